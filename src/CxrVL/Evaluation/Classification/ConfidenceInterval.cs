namespace CxrVL.Evaluation.Classification;

/// <summary>
/// A bootstrap percentile interval: the (1 - level)/2 and (1 + level)/2 quantiles of the statistic over the
/// resamples that could be scored. <see cref="Skipped"/> resamples could not (for AUROC: one class only).
/// </summary>
public sealed record ConfidenceInterval(double Lower, double Upper, double Level, int Resamples, int Skipped);
