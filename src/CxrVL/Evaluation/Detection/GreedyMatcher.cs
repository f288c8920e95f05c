using CxrVL.Imaging;
namespace CxrVL.Evaluation.Detection;

/// <summary>
/// Greedy matching as pycocotools' COCOeval.evaluateImg does it: detections in order of decreasing score (stable
/// for ties) each take the not-yet-matched truth box with the highest IoU at or above the threshold (on equal IoU
/// the later truth box); crowd regions come last, are only taken when no regular box qualifies, and may be taken
/// any number of times.
/// </summary>
public static class GreedyMatcher
{
    /// <summary>Matches the detections and truth boxes of one image (categories are not looked at).</summary>
    public static BoxMatching Match(IReadOnlyList<TruthBox> truth, IReadOnlyList<DetectedBox> detections, double iouThreshold)
    {
        var detectionOrder = ByScore(detections);
        var truthOrder = CrowdLast(truth);
        var ious = Ious(truth, truthOrder, detections, detectionOrder);
        var crowd = truthOrder.Select(g => truth[g].IsCrowd).ToArray();
        var (matched, ignored) = MatchSorted(ious, crowd, iouThreshold);
        var truthOfDetection = new int[detections.Count];
        var ignoredByInput = new bool[detections.Count];
        for (var d = 0; d < detectionOrder.Length; d++)
        {
            truthOfDetection[detectionOrder[d]] = matched[d] < 0 ? -1 : truthOrder[matched[d]];
            ignoredByInput[detectionOrder[d]] = ignored[d];
        }
        return new BoxMatching(truthOfDetection, ignoredByInput);
    }

    /// <summary>Detection indices by decreasing score, ties in input order (numpy's mergesort of -score).</summary>
    internal static int[] ByScore(IReadOnlyList<DetectedBox> detections) =>
        Enumerable.Range(0, detections.Count).OrderByDescending(d => detections[d].Score).ToArray();

    /// <summary>Truth indices with crowd regions moved to the end, order otherwise kept.</summary>
    internal static int[] CrowdLast(IReadOnlyList<TruthBox> truth) =>
        Enumerable.Range(0, truth.Count).OrderBy(g => truth[g].IsCrowd ? 1 : 0).ToArray();

    /// <summary>IoU of each sorted detection (rows) with each sorted truth box (columns).</summary>
    internal static double[,] Ious(IReadOnlyList<TruthBox> truth, int[] truthOrder, IReadOnlyList<DetectedBox> detections, IReadOnlyList<int> detectionOrder)
    {
        var ious = new double[detectionOrder.Count, truthOrder.Length];
        for (var d = 0; d < detectionOrder.Count; d++)
        for (var g = 0; g < truthOrder.Length; g++)
        {
            var t = truth[truthOrder[g]];
            ious[d, g] = detections[detectionOrder[d]].Box.Iou(t.Box, t.IsCrowd);
        }
        return ious;
    }

    /// <summary>The matching loop over sorted detections (rows of <paramref name="ious"/>) and crowd-last truth.</summary>
    internal static (int[] Matched, bool[] Ignored) MatchSorted(double[,] ious, bool[] crowd, double threshold)
    {
        var detectionCount = ious.GetLength(0);
        var truthCount = ious.GetLength(1);
        var matched = new int[detectionCount];
        var ignored = new bool[detectionCount];
        var truthTaken = new bool[truthCount];
        for (var d = 0; d < detectionCount; d++)
        {
            var best = Math.Min(threshold, 1 - 1e-10);
            var m = -1;
            for (var g = 0; g < truthCount; g++)
            {
                if (truthTaken[g] && !crowd[g])
                    continue;
                if (m > -1 && !crowd[m] && crowd[g])
                    break;
                if (ious[d, g] < best)
                    continue;
                best = ious[d, g];
                m = g;
            }
            matched[d] = m;
            if (m == -1)
                continue;
            ignored[d] = crowd[m];
            truthTaken[m] = true;
        }
        return (matched, ignored);
    }
}
