namespace CxrVL.Evaluation.Detection;

/// <summary>
/// COCO-style detection metrics (pycocotools' stats[0], [1], [2] and [8]): mAP over IoU 0.50:0.05:0.95, mAP at
/// 0.50 and at 0.75, and average recall with <see cref="CocoOptions.MaxDetections"/> detections, all averaged
/// over the categories that have truth boxes.
/// </summary>
public sealed record CocoResult(double Map, double Map50, double Map75, double Recall, IReadOnlyList<CocoCategoryResult> Categories);
