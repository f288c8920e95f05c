namespace CxrVL.Evaluation.Reports;

/// <summary>
/// Approximate-randomization p-values, one per metric in <see cref="ReportMetrics.Names"/> order, from
/// <see cref="Trials"/> assignments: random ones, or every one when <see cref="Exhaustive"/> (then the p-value is exact).
/// </summary>
public sealed record RandomizationResult(IReadOnlyList<double> PValues, long Trials, bool Exhaustive);
