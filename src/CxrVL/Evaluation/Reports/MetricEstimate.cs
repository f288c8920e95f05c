using CxrVL.Evaluation.Classification;

namespace CxrVL.Evaluation.Reports;

/// <summary>A metric's value over all reports and its bootstrap percentile interval over reports (null without resamples).</summary>
public sealed record MetricEstimate(string Metric, double Value, ConfidenceInterval? Interval);
