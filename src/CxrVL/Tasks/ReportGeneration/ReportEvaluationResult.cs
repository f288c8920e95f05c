using CxrVL.Evaluation.Labeling;
using CxrVL.Evaluation.Nlg;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>Generated (or retrieved) reports of a split with their references, NLG metrics and clinical efficacy.</summary>
public sealed record ReportEvaluationResult(
    IReadOnlyDictionary<string, string> Predictions,
    IReadOnlyDictionary<string, string> References,
    NlgScores Nlg,
    ClinicalEfficacyScores ClinicalEfficacy)
{
    /// <summary>NLG keys as <c>cxrvl eval nlg</c> prints them, then clinical efficacy keys, and the sample count.</summary>
    public IReadOnlyDictionary<string, double> ToDictionary()
    {
        var result = new Dictionary<string, double>(Nlg.ToDictionary());
        foreach (var (name, value) in ClinicalEfficacy.ToDictionary())
            result["CE_" + name] = value;
        result["samples"] = Nlg.Samples;
        return result;
    }
}
