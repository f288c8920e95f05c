using CxrVL.Evaluation.Detection;
using CxrVL.Imaging;

namespace CxrVL.Tests.Evaluation.Detection;

/// <summary>
/// COCO-style mAP on cases computed by hand with pycocotools' rules (pycocotools itself is not installable here).
/// Notation: at each IoU threshold, detections are ranked by score; rc/pr are cumulative recall/precision;
/// precision is made non-increasing from the right and read at recall points 0, 0.01, ..., 1 (101 points).
/// </summary>
public sealed class CocoEvaluatorTests
{
    private static TruthBox Truth(double x, double y, double w, double h, int category = 1, bool crowd = false) =>
        new(new Box(x, y, w, h), category, crowd);

    private static DetectedBox Detection(double x, double y, double w, double h, double score, int category = 1) =>
        new(new Box(x, y, w, h), score, category);

    /// <summary>
    /// One image, truth A (0,0,10,10) and B (20,0,10,10); detections D1 = A exactly (0.9), D2 = A shifted by one
    /// pixel (0.8, IoU 90/110 with A: a duplicate), D3 = the left half of B's height (0.7, IoU 50/100 = 0.5 with B).
    /// </summary>
    private static DetectionImage DuplicateAndBorderlineImage() => new(
        [Truth(0, 0, 10, 10), Truth(20, 0, 10, 10)],
        [Detection(1, 0, 10, 10, 0.8), Detection(20, 0, 10, 5, 0.7), Detection(0, 0, 10, 10, 0.9)]);

    [Fact]
    public void DuplicatesAreFalsePositivesAndBorderlineMatchesCountOnlyAtIou50()
    {
        var result = CocoEvaluator.Evaluate([DuplicateAndBorderlineImage()]);
        // IoU 0.50: D1 TP, D2 FP (A taken), D3 TP (IoU 0.5 is not below 0.5). rc .5 .5 1, pr 1 .5 2/3 -> envelope
        // 1 2/3 2/3. Recall points 0..0.50 (51) read 1, points 0.51..1 (50) read 2/3: AP50 = (51 + 100/3) / 101.
        var ap50 = (51 + 100.0 / 3) / 101;
        // IoU 0.55..0.95 (9 thresholds): D3 is a FP too. rc .5 .5 .5: the 51 points up to 0.5 read 1, the rest 0.
        var apHigh = 51.0 / 101;
        Assert.Equal(ap50, result.Map50, 12);
        Assert.Equal(apHigh, result.Map75, 12);
        Assert.Equal((ap50 + 9 * apHigh) / 10, result.Map, 12);
        // Recall: 1 at 0.50 and 0.5 at the other nine thresholds.
        Assert.Equal((1 + 9 * 0.5) / 10, result.Recall, 12);
        Assert.Equal((2, 3), (result.Categories[0].TruthBoxes, result.Categories[0].Detections));
    }

    [Fact]
    public void MeanRunsPerClassWithMissedBoxesAndIgnoresClassesWithoutTruth()
    {
        var class1 = DuplicateAndBorderlineImage();
        var first = new DetectionImage(
            [.. class1.Truth, Truth(50, 50, 20, 20, category: 2)],
            [.. class1.Detections, Detection(50, 50, 20, 20, 0.6, category: 2), Detection(0, 0, 5, 5, 0.99, category: 3)]);
        // Class 2 has a second box on another image that nothing detects.
        var second = new DetectionImage([Truth(0, 0, 10, 10, category: 2)], []);
        var result = CocoEvaluator.Evaluate([first, second]);

        // Class 2 at every threshold: one TP of two boxes: rc .5, pr 1 -> 51 points read 1: AP = 51/101.
        var class2 = 51.0 / 101;
        var class1Ap50 = (51 + 100.0 / 3) / 101;
        var class1Ap = (class1Ap50 + 9 * 51.0 / 101) / 10;
        Assert.Equal([1, 2], result.Categories.Select(c => c.Category));
        Assert.Equal(class2, result.Categories[1].Ap, 12);
        Assert.Equal((class1Ap50 + class2) / 2, result.Map50, 12);
        Assert.Equal((class1Ap + class2) / 2, result.Map, 12);

        // Asking for class 3 too: it has no truth box, so it is reported as NaN and left out of the mean.
        var withClass3 = CocoEvaluator.Evaluate([first, second], new CocoOptions { Categories = [1, 2, 3] });
        Assert.True(double.IsNaN(withClass3.Categories[2].Ap));
        Assert.Equal(result.Map, withClass3.Map, 15);
    }

    [Fact]
    public void CrowdMatchesAreIgnoredAndMaxDetectionsCutsLowScores()
    {
        // A detection inside a crowd region (IoU against crowd = intersection / detection area = 1) scores higher
        // than the true positive; ignored, it changes nothing: AP = 1 / (1 + 2^-52) at every threshold.
        var crowd = new DetectionImage(
            [Truth(0, 0, 10, 10), Truth(100, 100, 50, 50, crowd: true)],
            [Detection(0, 0, 10, 10, 0.9), Detection(110, 110, 10, 10, 0.95)]);
        Assert.Equal(1.0, CocoEvaluator.Evaluate([crowd]).Map, 12);

        // Two false positives above the only true positive: rc 0 0 1, pr 0 0 1/3 -> envelope 1/3 everywhere.
        var cut = new DetectionImage(
            [Truth(0, 0, 10, 10)],
            [Detection(0, 0, 10, 10, 0.5), Detection(50, 50, 5, 5, 0.9), Detection(60, 60, 5, 5, 0.8)]);
        Assert.Equal(1.0 / 3, CocoEvaluator.Evaluate([cut]).Map, 12);
        // With at most two detections per image the true positive is cut: AP 0.
        Assert.Equal(0.0, CocoEvaluator.Evaluate([cut], new CocoOptions { MaxDetections = 2 }).Map);
    }

    [Fact]
    public void BoxIouAndGreedyMatching()
    {
        // Overlap 5x5 = 25, union 100 + 100 - 25 = 175.
        Assert.Equal(25.0 / 175, new Box(0, 0, 10, 10).Iou(new Box(5, 5, 10, 10)), 15);
        Assert.Equal(0.0, new Box(0, 0, 10, 10).Iou(new Box(10, 0, 10, 10)));
        Assert.Equal(0.25, new Box(0, 0, 10, 10).Iou(new Box(5, 5, 100, 100), truthIsCrowd: true), 15);
        Assert.Equal(new Box(1, 2, 3, 4), Box.FromCorners(1, 2, 4, 6));

        // Input order is kept in the result; the higher-scored duplicate takes the box.
        var matching = GreedyMatcher.Match(
            [Truth(0, 0, 10, 10), Truth(20, 0, 10, 10)],
            [Detection(1, 0, 10, 10, 0.5), Detection(0, 0, 10, 10, 0.9), Detection(20, 0, 10, 10, 0.7)],
            0.5);
        Assert.Equal([-1, 0, 1], matching.TruthOfDetection);
        Assert.Equal([false, false, false], matching.Ignored);
    }

    [Fact]
    public void IouThresholdsAreNumpysLinspaceValues()
    {
        // np.linspace(.5, .95, 10) gives 0.8999999999999999 for the ninth value, not 0.9.
        Assert.Equal(0.8999999999999999, CocoEvaluator.IouThresholds[8]);
        Assert.Equal(0.75, CocoEvaluator.IouThresholds[5]);
    }
}
