namespace CxrVL.Evaluation.Detection;

/// <summary>
/// Bounding-box mAP computed as pycocotools' COCOeval (iouType "bbox", area range "all") computes it:
/// <list type="bullet">
/// <item>per image and category, detections sorted by score (stable) and cut to maxDets, then greedily matched
/// (<see cref="GreedyMatcher"/>) at each IoU threshold 0.50, 0.55, ..., 0.95 (numpy's linspace values);</item>
/// <item>per category, the kept detections of all images sorted by score (stable, in image order); cumulative
/// TP and FP skip detections that matched a crowd region; precision = TP / (TP + FP + 2^-52), recall = TP / (truth
/// boxes that are not crowd);</item>
/// <item>precision made non-increasing from the right, then read at the 101 recall points 0, 0.01, ..., 1 (the
/// first point with recall at or above each; 0 past the last), and averaged;</item>
/// <item>categories without truth boxes are left out; the means run over categories and thresholds.</item>
/// </list>
/// The order of <c>images</c> plays the role of pycocotools' sorted image ids (it only matters for tied scores).
/// </summary>
public static class CocoEvaluator
{
    private const int RecallPoints = 101;

    /// <summary>np.spacing(1), which pycocotools adds to the precision denominator.</summary>
    private const double NumpySpacingOfOne = 2.220446049250313e-16;

    /// <summary>pycocotools' iouThrs: np.linspace(.5, .95, 10).</summary>
    public static IReadOnlyList<double> IouThresholds { get; } = Linspace(0.5, 0.95, 10);

    /// <summary>pycocotools' recThrs: np.linspace(0, 1, 101).</summary>
    private static readonly double[] RecallThresholds = Linspace(0, 1, RecallPoints);

    public static CocoResult Evaluate(IReadOnlyList<DetectionImage> images, CocoOptions? options = null)
    {
        options ??= new CocoOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDetections, 1);
        foreach (var image in images)
            foreach (var detection in image.Detections)
                if (!double.IsFinite(detection.Score))
                    throw new ArgumentException($"a detection has score {detection.Score}; scores must be finite.");
        var categories = options.Categories ?? images.SelectMany(i => i.Truth).Select(t => t.Category).Distinct().Order().ToArray();
        var results = categories.Select(c => EvaluateCategory(images, c, options.MaxDetections)).ToArray();
        var scored = results.Where(r => !double.IsNaN(r.Ap)).ToArray();
        double Mean(Func<CocoCategoryResult, double> metric) => scored.Length == 0 ? double.NaN : scored.Average(metric);
        return new CocoResult(Mean(r => r.Ap), Mean(r => r.Ap50), Mean(r => r.Ap75), Mean(r => r.Recall), results);
    }

    private static CocoCategoryResult EvaluateCategory(IReadOnlyList<DetectionImage> images, int category, int maxDetections)
    {
        var thresholds = IouThresholds.Count;
        var scores = new List<double>();
        var matched = Enumerable.Range(0, thresholds).Select(_ => new List<bool>()).ToArray();
        var ignored = Enumerable.Range(0, thresholds).Select(_ => new List<bool>()).ToArray();
        int truthBoxes = 0, detectionCount = 0;
        foreach (var image in images)
        {
            var truth = image.Truth.Where(t => t.Category == category).ToArray();
            var detections = image.Detections.Where(d => d.Category == category).ToArray();
            detectionCount += detections.Length;
            var detectionOrder = GreedyMatcher.ByScore(detections).Take(maxDetections).ToArray();
            var truthOrder = GreedyMatcher.CrowdLast(truth);
            var crowd = truthOrder.Select(g => truth[g].IsCrowd).ToArray();
            truthBoxes += crowd.Count(c => !c);
            var ious = GreedyMatcher.Ious(truth, truthOrder, detections, detectionOrder);
            for (var t = 0; t < thresholds; t++)
            {
                var (m, ig) = GreedyMatcher.MatchSorted(ious, crowd, IouThresholds[t]);
                matched[t].AddRange(m.Select(x => x >= 0));
                ignored[t].AddRange(ig);
            }
            scores.AddRange(detectionOrder.Select(d => detections[d].Score));
        }
        if (truthBoxes == 0)
            return new CocoCategoryResult(category, double.NaN, double.NaN, double.NaN, double.NaN, 0, detectionCount);

        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var ap = new double[thresholds];
        var recall = new double[thresholds];
        for (var t = 0; t < thresholds; t++)
            (ap[t], recall[t]) = AveragePrecision(order, matched[t], ignored[t], truthBoxes);
        return new CocoCategoryResult(category, ap.Average(), ap[0], ap[5], recall.Average(), truthBoxes, detectionCount);
    }

    /// <summary>101-point interpolated AP and final recall of one category at one IoU threshold (COCOeval.accumulate).</summary>
    private static (double Ap, double Recall) AveragePrecision(int[] order, List<bool> matched, List<bool> ignored, int truthBoxes)
    {
        var n = order.Length;
        var rc = new double[n];
        var pr = new double[n];
        double tp = 0, fp = 0;
        for (var k = 0; k < n; k++)
        {
            var d = order[k];
            if (!ignored[d])
            {
                if (matched[d]) tp++; else fp++;
            }
            rc[k] = tp / truthBoxes;
            pr[k] = tp / (fp + tp + NumpySpacingOfOne);
        }
        for (var k = n - 1; k > 0; k--)
            if (pr[k] > pr[k - 1])
                pr[k - 1] = pr[k];
        double sum = 0;
        var index = 0;
        foreach (var threshold in RecallThresholds)
        {
            while (index < n && rc[index] < threshold)
                index++;
            if (index >= n)
                break;
            sum += pr[index];
        }
        return (sum / RecallPoints, n == 0 ? 0 : rc[n - 1]);
    }

    /// <summary>numpy.linspace(start, stop, count): start + i * step, with the last value exactly stop.</summary>
    private static double[] Linspace(double start, double stop, int count)
    {
        var step = (stop - start) / (count - 1);
        var values = new double[count];
        for (var i = 0; i < count; i++)
            values[i] = i * step + start;
        values[^1] = stop;
        return values;
    }
}
