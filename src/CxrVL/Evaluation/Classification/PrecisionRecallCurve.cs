namespace CxrVL.Evaluation.Classification;

/// <summary>
/// Precision-recall points in order of decreasing threshold: the first point is (recall 0, precision 1) with
/// threshold +infinity, then one point per distinct score. sklearn's precision_recall_curve returns the same
/// points from the other end.
/// </summary>
public sealed record PrecisionRecallCurve(double[] Recall, double[] Precision, double[] Thresholds);
