using CxrVL.Evaluation.Labeling;

namespace CxrVL.Evaluation.Reports;

/// <summary>How reports are scored and compared.</summary>
/// <param name="Uncertain">how clinical efficacy reads uncertain labels</param>
/// <param name="Resamples">bootstrap resamples of the reports for the intervals (0: none)</param>
/// <param name="Trials">approximate-randomization trials (RadEval's default 10,000)</param>
/// <param name="Seed">seeds the bootstrap and the randomization</param>
/// <param name="Level">the intervals' confidence level</param>
public sealed record ReportScoringOptions(
    UncertainLabels Uncertain = UncertainLabels.Positive, int Resamples = 1000, int Trials = 10_000, int Seed = 0, double Level = 0.95);
