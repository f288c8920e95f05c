using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Evaluation.Segmentation;

/// <summary>Dice and IoU of binary segmentation, per image and pooled.</summary>
public static class SegmentationMetrics
{
    /// <summary>Summarises per-image overlaps; per-image scores follow <paramref name="convention"/>.</summary>
    public static SegmentationSummary Summarize(IReadOnlyList<MaskOverlap> images, EmptyMaskConvention convention = EmptyMaskConvention.BothEmptyIsOne)
    {
        double diceSum = 0, iouSum = 0;
        int scored = 0;
        long intersection = 0, truth = 0, predicted = 0;
        foreach (var image in images)
        {
            intersection += image.Intersection;
            truth += image.TruthArea;
            predicted += image.PredictedArea;
            var dice = image.Dice(convention);
            if (double.IsNaN(dice))
                continue;
            diceSum += dice;
            iouSum += image.Iou(convention);
            scored++;
        }
        var pooled = new MaskOverlap(intersection, truth, predicted);
        return new SegmentationSummary(
            scored == 0 ? double.NaN : diceSum / scored,
            scored == 0 ? double.NaN : iouSum / scored,
            pooled.Dice(EmptyMaskConvention.SkipBothEmpty),
            pooled.Iou(EmptyMaskConvention.SkipBothEmpty),
            images.Count,
            scored,
            convention);
    }

    /// <summary>
    /// Per-image overlaps of a batch: <paramref name="truth"/> and <paramref name="predicted"/> are [N, ...] of the
    /// same shape; a truth pixel is foreground when &gt; 0.5 and a predicted one when &gt; <paramref name="threshold"/>
    /// (pass probabilities, or 0/1 masks). Counted with torch and copied out as N triples.
    /// </summary>
    public static MaskOverlap[] Overlaps(Tensor truth, Tensor predicted, double threshold = 0.5)
    {
        if (!truth.shape.SequenceEqual(predicted.shape))
            throw new ArgumentException($"ground truth shape [{string.Join(", ", truth.shape)}] differs from prediction shape [{string.Join(", ", predicted.shape)}].");
        if (truth.dim() < 2)
            throw new ArgumentException("masks must be batched: [N, H, W] or [N, C, H, W].");
        using var scope = NewDisposeScope();
        var t = truth.gt(0.5).flatten(1);
        var p = predicted.gt(threshold).flatten(1);
        var counts = stack([t.logical_and(p).sum(1), t.sum(1), p.sum(1)], 1).to(int64).cpu();
        var values = counts.data<long>().ToArray();
        var result = new MaskOverlap[truth.shape[0]];
        for (var i = 0; i < result.Length; i++)
            result[i] = new MaskOverlap(values[3 * i], values[3 * i + 1], values[3 * i + 2]);
        return result;
    }
}
