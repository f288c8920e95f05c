namespace CxrVL.Evaluation.Segmentation;

/// <summary>Pixel counts of one image's binary ground truth and prediction, from which Dice and IoU follow.</summary>
public readonly record struct MaskOverlap(long Intersection, long TruthArea, long PredictedArea)
{
    public long Union => TruthArea + PredictedArea - Intersection;

    /// <summary>2|T∩P| / (|T| + |P|); for empty masks see <see cref="EmptyMaskConvention"/> (NaN: left out).</summary>
    public double Dice(EmptyMaskConvention convention = EmptyMaskConvention.BothEmptyIsOne) =>
        Empty(convention) ?? 2.0 * Intersection / (TruthArea + PredictedArea);

    /// <summary>|T∩P| / |T∪P|; for empty masks see <see cref="EmptyMaskConvention"/> (NaN: left out).</summary>
    public double Iou(EmptyMaskConvention convention = EmptyMaskConvention.BothEmptyIsOne) =>
        Empty(convention) ?? (double)Intersection / Union;

    /// <summary>Counts the pixels of two binary masks of the same size.</summary>
    public static MaskOverlap Of(ReadOnlySpan<bool> truth, ReadOnlySpan<bool> predicted)
    {
        if (truth.Length != predicted.Length)
            throw new ArgumentException($"the ground truth has {truth.Length} pixels but the prediction {predicted.Length}.");
        long intersection = 0, truthArea = 0, predictedArea = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            if (truth[i]) truthArea++;
            if (predicted[i]) predictedArea++;
            if (truth[i] && predicted[i]) intersection++;
        }
        return new MaskOverlap(intersection, truthArea, predictedArea);
    }

    private double? Empty(EmptyMaskConvention convention) => convention switch
    {
        EmptyMaskConvention.SkipEmptyTruth when TruthArea == 0 => double.NaN,
        EmptyMaskConvention.SkipBothEmpty when TruthArea + PredictedArea == 0 => double.NaN,
        EmptyMaskConvention.BothEmptyIsOne when TruthArea + PredictedArea == 0 => 1,
        _ => null,
    };
}
