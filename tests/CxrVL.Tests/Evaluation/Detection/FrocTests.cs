using CxrVL.Evaluation.Detection;
using CxrVL.Imaging;

namespace CxrVL.Tests.Evaluation.Detection;

public sealed class FrocTests
{
    private static DetectedBox At(double cx, double cy, double score) => new(new Box(cx - 1, cy - 1, 2, 2), score);

    [Fact]
    public void SensitivityIsReadWhenFalsePositivesReachEachRate()
    {
        // Image 1: boxes G1 (0,0,10,10), G2 (50,50,10,10). Image 2: G3 (0,0,10,10). Detections by score:
        // a (0.9) hits G1; b (0.8) FP 1 -> 0.5 FP/image reaches 1/8, 1/4, 1/2 at sensitivity 1/3;
        // c (0.7) hits G2; d (0.65) hits G1 again (neither new nor FP); e (0.6) FP 2 -> rate 1 at 2/3;
        // f (0.5) hits G3; rates 2, 4, 8 are never reached and get the final sensitivity 1.
        var images = new[]
        {
            new DetectionImage(
                [new TruthBox(new Box(0, 0, 10, 10)), new TruthBox(new Box(50, 50, 10, 10))],
                [At(5, 5, 0.9), At(55, 55, 0.7), At(6, 6, 0.65)]),
            new DetectionImage(
                [new TruthBox(new Box(0, 0, 10, 10))],
                [At(30, 30, 0.8), At(80, 80, 0.6), At(5, 5, 0.5)]),
        };
        var result = Froc.Compute(images);
        Assert.Equal([1.0 / 3, 1.0 / 3, 1.0 / 3, 2.0 / 3, 1, 1, 1], result.Sensitivities.ToArray(), new Close());
        Assert.Equal((1 + 2.0 / 3 + 3) / 7, result.Mean, 15);
    }

    [Fact]
    public void IouRuleDiffersFromTheCentreRule()
    {
        // The detection (5,0,10,10) has its centre (10, 5) on the truth box's edge (a hit by the centre rule)
        // but IoU 50 / 150 = 1/3 with it (a false positive at IoU 0.5).
        var images = new[] { new DetectionImage([new TruthBox(new Box(0, 0, 10, 10))], [new DetectedBox(new Box(5, 0, 10, 10), 0.9)]) };
        Assert.Equal(1.0, Froc.Compute(images).Mean);
        Assert.Equal(0.0, Froc.Compute(images, new FrocOptions { Hit = FrocHit.Iou }).Mean);
    }

    private sealed class Close : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-15;

        public int GetHashCode(double obj) => 0;
    }
}
