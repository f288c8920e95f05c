using CxrVL.Evaluation.Classification;
using CxrVL.Tasks.ZeroShot;

namespace CxrVL.Tests.Tasks.ZeroShot;

public sealed class ZeroShotIntervalsTests
{
    /// <summary>
    /// 40 images, the first 12 predicted correctly (accuracy 0.3); class 1's score separates perfectly (AUROC 1 for it)
    /// while class 0's is reversed (AUROC 0), so the macro AUROC is 0.5 on every resample that has both classes.
    /// </summary>
    [Fact]
    public void IntervalsSurroundTheWholeSampleValues()
    {
        const int n = 40;
        var truth = Enumerable.Range(0, n).Select(i => i % 2).ToArray();
        var predicted = Enumerable.Range(0, n).Select(i => i < 12 ? truth[i] : 1 - truth[i]).ToArray();
        var scores = new double[n, 2];
        for (var i = 0; i < n; i++)
        {
            scores[i, 0] = truth[i] == 1 ? 1 : 0;
            scores[i, 1] = truth[i] == 1 ? 1 : 0;
        }

        var (accuracy, auroc) = ZeroShotIntervals.Of(scores, truth, predicted, resamples: 400, seed: 3);

        Assert.Equal(0.5, MultiClassMetrics.OneVsRestAuroc(scores, truth).Macro, 12);
        Assert.InRange(0.3, accuracy!.Lower, accuracy.Upper);
        Assert.InRange(accuracy.Lower, 0.1, 0.3);
        Assert.InRange(accuracy.Upper, 0.3, 0.5);
        Assert.Equal(0.5, auroc!.Lower, 12);
        Assert.Equal(0.5, auroc.Upper, 12);
    }
}
