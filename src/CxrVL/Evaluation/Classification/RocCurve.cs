namespace CxrVL.Evaluation.Classification;

/// <summary>
/// ROC curve points in order of decreasing threshold: the first point is (0, 0) at threshold +infinity, then one
/// point per distinct score (a sample is positive when its score is at least the threshold). These are
/// sklearn's roc_curve points with drop_intermediate=False.
/// </summary>
public sealed record RocCurve(double[] FalsePositiveRate, double[] TruePositiveRate, double[] Thresholds);
