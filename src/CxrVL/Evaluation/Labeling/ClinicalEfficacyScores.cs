namespace CxrVL.Evaluation.Labeling;

/// <summary>
/// Clinical efficacy of a set of reports: averages over the 14 observations (<see cref="All"/>) and over the 5 main
/// ones (<see cref="Main"/>), each observation's scores, the number of reports and the uncertain-label convention.
/// </summary>
public sealed record ClinicalEfficacyScores(
    ClinicalEfficacyAverages All, ClinicalEfficacyAverages Main, IReadOnlyList<ObservationScore> PerObservation, int Samples, UncertainLabels Uncertain)
{
    /// <summary>
    /// The keys <c>cxrvl eval ce</c> prints: <c>PRECISION_MICRO</c>, <c>RECALL_MICRO</c>, <c>F1_MICRO</c> and the same for
    /// <c>_MACRO</c> and <c>_WEIGHTED</c> (R2Gen's <c>compute_mlc</c> names) over the 14, then with <c>_5</c> over the 5 main
    /// observations, then <c>F1_&lt;observation&gt;</c>.
    /// </summary>
    public IReadOnlyDictionary<string, double> ToDictionary()
    {
        var result = new Dictionary<string, double>();
        foreach (var (averages, suffix) in new[] { (All, ""), (Main, "_5") })
        {
            foreach (var (scores, name) in new[] { (averages.Micro, "MICRO"), (averages.Macro, "MACRO"), (averages.Weighted, "WEIGHTED") })
            {
                result[$"PRECISION_{name}{suffix}"] = scores.Precision;
                result[$"RECALL_{name}{suffix}"] = scores.Recall;
                result[$"F1_{name}{suffix}"] = scores.F1;
            }
        }
        foreach (var observation in PerObservation)
            result["F1_" + observation.Observation.Replace(' ', '_')] = observation.Scores.F1;
        return result;
    }
}
