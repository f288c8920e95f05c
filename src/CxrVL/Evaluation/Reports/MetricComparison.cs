using CxrVL.Evaluation.Classification;

namespace CxrVL.Evaluation.Reports;

/// <summary>
/// One metric of two systems on the same reports: each value, the difference B - A, its paired bootstrap percentile
/// interval, and the two-sided approximate-randomization p-value of the difference.
/// </summary>
public sealed record MetricComparison(string Metric, double A, double B, double Difference, ConfidenceInterval? DifferenceInterval, double PValue);
