namespace CxrVL.Evaluation.Detection;

/// <summary>
/// Average precision of one category: over IoU 0.50:0.05:0.95, at 0.50 and at 0.75, and recall at the maximum
/// number of detections averaged over the ten thresholds. NaN when the category has no (non-crowd) truth box;
/// such a category is left out of the means, as pycocotools leaves it out.
/// </summary>
public sealed record CocoCategoryResult(int Category, double Ap, double Ap50, double Ap75, double Recall, int TruthBoxes, int Detections);
