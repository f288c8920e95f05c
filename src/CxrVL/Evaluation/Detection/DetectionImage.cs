using CxrVL.Imaging;
namespace CxrVL.Evaluation.Detection;

/// <summary>One test image: its ground-truth boxes and the detector's boxes (any order).</summary>
public sealed record DetectionImage(IReadOnlyList<TruthBox> Truth, IReadOnlyList<DetectedBox> Detections);
