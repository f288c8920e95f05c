using CxrVL.Evaluation.Labeling;

namespace CxrVL.Evaluation.Reports;

/// <summary>
/// One system's reports scored: every metric with its bootstrap interval, the diversity figures, the per-report
/// statistics, the labels of the references and the predictions, and the labeler and options used.
/// </summary>
public sealed record ScoredReports(
    IReadOnlyList<MetricEstimate> Metrics, DiversityFigures Diversity, ReportStatistics Statistics,
    IReadOnlyList<ChexpertLabels> ReferenceLabels, IReadOnlyList<ChexpertLabels> PredictionLabels, string Labeler, ReportScoringOptions Options)
{
    public double this[string metric] => Metrics.FirstOrDefault(m => m.Metric == metric)?.Value
        ?? throw new ArgumentException($"no metric '{metric}'; the metrics are {string.Join(", ", ReportMetrics.Names)}.", nameof(metric));
}
