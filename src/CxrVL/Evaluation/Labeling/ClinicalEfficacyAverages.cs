namespace CxrVL.Evaluation.Labeling;

/// <summary>
/// scikit-learn's micro, macro and weighted (by each observation's reference positives) averages over a set of
/// observations, named in <see cref="Observations"/> in the order they were scored.
/// </summary>
public sealed record ClinicalEfficacyAverages(IReadOnlyList<string> Observations, PrecisionRecallF1 Micro, PrecisionRecallF1 Macro, PrecisionRecallF1 Weighted);
