using CxrVL.Evaluation.Labeling;

namespace CxrVL.Evaluation.Reports;

/// <summary>
/// Two systems' reports for the same references compared: every metric's values, difference (B - A), paired bootstrap
/// interval and randomization p-value; how the p-values were obtained; each system's diversity figures, statistics and
/// labels; and the labeler and options used.
/// </summary>
public sealed record SystemComparison(
    IReadOnlyList<MetricComparison> Metrics, RandomizationResult Randomization, DiversityFigures DiversityA, DiversityFigures DiversityB,
    ReportStatistics StatisticsA, ReportStatistics StatisticsB, IReadOnlyList<ChexpertLabels> ReferenceLabels,
    IReadOnlyList<ChexpertLabels> LabelsA, IReadOnlyList<ChexpertLabels> LabelsB, string Labeler, ReportScoringOptions Options);
