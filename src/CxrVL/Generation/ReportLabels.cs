using CxrVL.Evaluation.Labeling;
using static TorchSharp.torch;

namespace CxrVL.Generation;

/// <summary>
/// XProNet's prototype-selection labels over the 14 CheXpert observations (<see cref="ChexpertObservations.Names"/>
/// order): positive and uncertain mentions both count as 1, and a study with none gets No Finding, so every study
/// selects at least one class of prototypes.
/// </summary>
public static class ReportLabels
{
    public static int Count => ChexpertObservations.Names.Count;

    public static int FallbackIndex => 0;

    /// <summary>Labels of one report from the rule-based labeler.</summary>
    public static float[] FromLabeler(ChexpertLabels labels)
    {
        var values = labels.Values.Select(v => v is ChexpertObservations.Positive or ChexpertObservations.Uncertain ? 1f : 0f).ToArray();
        if (!values.Contains(1f))
            values[FallbackIndex] = 1f;
        return values;
    }

    /// <summary>Labels from classifier probabilities [B, K]: at least <paramref name="threshold"/>, else the fallback class alone.</summary>
    public static Tensor FromProbabilities(Tensor probabilities, double threshold = 0.5)
    {
        using var scope = NewDisposeScope();
        var labels = probabilities.ge(threshold).to_type(ScalarType.Float32);
        var none = labels.sum(1).eq(0).to_type(ScalarType.Float32);
        labels[.., FallbackIndex] = labels[.., FallbackIndex].maximum(none);
        return labels.MoveToOuterDisposeScope();
    }
}
