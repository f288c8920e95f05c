namespace CxrVL.Evaluation.Detection;

/// <summary>
/// Options of <see cref="CocoEvaluator"/>. <see cref="Categories"/>: the categories to evaluate (pycocotools'
/// catIds; detections of other categories are dropped); null takes every category that has a truth box.
/// <see cref="MaxDetections"/>: the best-scored detections kept per image and category (maxDets, 100).
/// </summary>
public sealed record CocoOptions
{
    public IReadOnlyList<int>? Categories { get; init; }

    public int MaxDetections { get; init; } = 100;
}
