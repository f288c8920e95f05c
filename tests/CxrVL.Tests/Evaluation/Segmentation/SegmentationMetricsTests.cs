using CxrVL.Evaluation.Segmentation;
using static TorchSharp.torch;

namespace CxrVL.Tests.Evaluation.Segmentation;

public sealed class SegmentationMetricsTests
{
    // Four 3x3 images, row-major: truth and prediction.
    private static readonly bool[][] Truth =
    [
        Mask("110110000"), // 4 px
        Mask("000000000"), // empty
        Mask("000000000"), // empty
        Mask("111110000"), // 5 px
    ];

    private static readonly bool[][] Predicted =
    [
        Mask("100100000"), // 2 px, both inside the truth
        Mask("000000000"), // empty: both empty
        Mask("000000111"), // 3 px on an empty truth
        Mask("000000000"), // nothing found
    ];

    private static bool[] Mask(string pixels) => pixels.Select(c => c == '1').ToArray();

    private static MaskOverlap[] Overlaps() => Truth.Zip(Predicted, (t, p) => MaskOverlap.Of(t, p)).ToArray();

    [Fact]
    public void PerImageDiceFollowsTheEmptyMaskConventions()
    {
        var overlaps = Overlaps();
        // Image 0: Dice 2*2 / (4 + 2) = 2/3, IoU 2 / 4. Image 1: both empty. Image 2: 0. Image 3: 0.
        Assert.Equal(2.0 / 3, overlaps[0].Dice(), 15);
        Assert.Equal(0.5, overlaps[0].Iou(), 15);
        Assert.Equal(1.0, overlaps[1].Dice());
        Assert.Equal(0.0, overlaps[2].Dice());
        Assert.Equal(0.0, overlaps[3].Dice());

        // medDice (MRM): every image counts, both-empty scores 1: (2/3 + 1 + 0 + 0) / 4.
        var medDice = SegmentationMetrics.Summarize(overlaps);
        Assert.Equal(5.0 / 12, medDice.MeanDice, 15);
        Assert.Equal((0.5 + 1) / 4, medDice.MeanIou, 15);
        Assert.Equal(4, medDice.ImagesScored);
        // Without the both-empty image: (2/3 + 0 + 0) / 3. Positive images only: (2/3 + 0) / 2.
        Assert.Equal(2.0 / 9, SegmentationMetrics.Summarize(overlaps, EmptyMaskConvention.SkipBothEmpty).MeanDice, 15);
        var positives = SegmentationMetrics.Summarize(overlaps, EmptyMaskConvention.SkipEmptyTruth);
        Assert.Equal(1.0 / 3, positives.MeanDice, 15);
        Assert.Equal(2, positives.ImagesScored);
        // Global: intersection 2, truth 9, prediction 5 -> Dice 4 / 14, IoU 2 / 12, whatever the convention.
        Assert.Equal(2.0 / 7, medDice.GlobalDice, 15);
        Assert.Equal(1.0 / 6, medDice.GlobalIou, 15);
        Assert.Equal(medDice.GlobalDice, positives.GlobalDice);
    }

    [Fact]
    public void TensorOverlapsEqualTheSpanCountsAndThresholdProbabilities()
    {
        using var scope = NewDisposeScope();
        var truth = tensor(Truth.SelectMany(m => m.Select(b => b ? 1f : 0f)).ToArray(), [4, 1, 3, 3]);
        // Probabilities: 0.7 where the mask is set, 0.2 elsewhere, so only the threshold 0.5 recovers the masks.
        var probabilities = tensor(Predicted.SelectMany(m => m.Select(b => b ? 0.7f : 0.2f)).ToArray(), [4, 1, 3, 3]);
        Assert.Equal(Overlaps(), SegmentationMetrics.Overlaps(truth, probabilities));
        Assert.Equal(0, SegmentationMetrics.Overlaps(truth, probabilities, threshold: 0.8).Sum(o => o.PredictedArea));
    }
}
