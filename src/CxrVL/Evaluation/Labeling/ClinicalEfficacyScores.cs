namespace CxrVL.Evaluation.Labeling;

/// <summary>Micro and macro precision, recall and F1 over the 14 observations, and per-observation F1.</summary>
public sealed record ClinicalEfficacyScores(
    double PrecisionMicro, double RecallMicro, double F1Micro,
    double PrecisionMacro, double RecallMacro, double F1Macro,
    IReadOnlyDictionary<string, double> F1PerObservation, int Samples)
{
    /// <summary>The keys <c>cxrvl eval ce</c> prints, named as R2Gen's <c>compute_mlc</c> names them.</summary>
    public IReadOnlyDictionary<string, double> ToDictionary()
    {
        var result = new Dictionary<string, double>
        {
            ["PRECISION_MICRO"] = PrecisionMicro, ["RECALL_MICRO"] = RecallMicro, ["F1_MICRO"] = F1Micro,
            ["PRECISION_MACRO"] = PrecisionMacro, ["RECALL_MACRO"] = RecallMacro, ["F1_MACRO"] = F1Macro,
        };
        foreach (var (name, f1) in F1PerObservation)
            result["F1_" + name.Replace(' ', '_')] = f1;
        return result;
    }
}
