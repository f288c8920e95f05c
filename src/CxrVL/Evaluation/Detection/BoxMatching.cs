namespace CxrVL.Evaluation.Detection;

/// <summary>
/// The result of matching one image's detections to its ground truth at one IoU threshold, indexed like the
/// inputs: the truth box each detection matched (-1: none, a false positive unless ignored), and whether the
/// detection is ignored (it matched a crowd region).
/// </summary>
public sealed record BoxMatching(int[] TruthOfDetection, bool[] Ignored);
