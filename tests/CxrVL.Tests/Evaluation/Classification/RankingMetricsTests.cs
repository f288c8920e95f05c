using CxrVL.Evaluation.Classification;

namespace CxrVL.Tests.Evaluation.Classification;

public sealed class RankingMetricsTests
{
    /// <summary>The Mann-Whitney statistic by brute force: every (positive, negative) pair, 1 if ordered, 1/2 if tied.</summary>
    private static double PairwiseAuroc(double[] scores, bool[] truth)
    {
        double wins = 0;
        long pairs = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            if (!truth[i]) continue;
            for (var j = 0; j < scores.Length; j++)
            {
                if (truth[j]) continue;
                pairs++;
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
            }
        }
        return wins / pairs;
    }

    [Fact]
    public void AurocWithTiesEqualsTheMannWhitneyStatisticOnAHandMadeCase()
    {
        // Positives {0.9, 0.8, 0.5}, negatives {0.8, 0.5, 0.5, 0.1}:
        // 0.9 beats all 4 (4); 0.8 beats 0.5, 0.5, 0.1 and ties 0.8 (3.5); 0.5 beats 0.1 and ties twice (2).
        // U = 9.5 over 3 x 4 = 12 pairs.
        double[] scores = [0.9, 0.8, 0.8, 0.5, 0.5, 0.5, 0.1];
        bool[] truth = [true, true, false, true, false, false, false];
        Assert.Equal(9.5 / 12, RankingMetrics.Auroc(scores, truth), 15);
        Assert.Equal(PairwiseAuroc(scores, truth), RankingMetrics.Auroc(scores, truth), 15);
    }

    [Fact]
    public void AurocEqualsPairwiseCountOnRandomDataWithHeavyTies()
    {
        var random = new Random(7);
        for (var trial = 0; trial < 20; trial++)
        {
            var n = random.Next(2, 300);
            var scores = Enumerable.Range(0, n).Select(_ => (double)random.Next(1 + trial % 6)).ToArray();
            var truth = Enumerable.Range(0, n).Select(_ => random.NextDouble() < 0.4).ToArray();
            if (truth.All(t => t) || truth.All(t => !t))
                continue;
            Assert.Equal(PairwiseAuroc(scores, truth), RankingMetrics.Auroc(scores, truth), 14);
        }
    }

    [Fact]
    public void AurocIsUndefinedWithOneClassAndExtremeWhenSeparated()
    {
        Assert.True(double.IsNaN(RankingMetrics.Auroc([0.1, 0.2], [true, true])));
        Assert.Equal(1.0, RankingMetrics.Auroc([0.1, 0.2, 0.9], [false, false, true]));
        Assert.Equal(0.0, RankingMetrics.Auroc([0.1, 0.2, 0.9], [true, true, false]));
        Assert.Equal(0.5, RankingMetrics.Auroc([3, 3, 3, 3], [true, false, false, true]));
    }

    [Fact]
    public void AurocOverHalfAMillionScoresIsExactAndQuick()
    {
        // Sample i is positive when i is even. Its score is (i % 1000) / 2 rounded down, so positives score a and
        // negatives b, with a and b each uniform over 0..499 (1000 samples per value). A positive wins when a > b
        // (probability 499/1000) and ties when a == b (1/500): AUROC = 0.499 + 0.5 * 0.002 = 0.5. Without the
        // rounding there are no ties: AUROC = 0.499 exactly.
        const int n = 500_000;
        var truth = Enumerable.Range(0, n).Select(i => i % 2 == 0).ToArray();
        var tied = Enumerable.Range(0, n).Select(i => (double)(i % 1000 / 2)).ToArray();
        var distinct = Enumerable.Range(0, n).Select(i => (double)(i % 1000)).ToArray();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(0.5, RankingMetrics.Auroc(tied, truth), 15);
        Assert.Equal(0.499, RankingMetrics.Auroc(distinct, truth), 15);
        // A pairwise count would take 6e10 comparisons; the sort takes well under a second.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }

    [Fact]
    public void AveragePrecisionIsTheStepSumWithoutInterpolation()
    {
        // Ranked 1 0 1 0: recall 0.5 at precision 1, then recall 1 at precision 2/3. AP = 0.5 * 1 + 0.5 * 2/3.
        Assert.Equal(0.5 + 1.0 / 3, RankingMetrics.AveragePrecision([0.9, 0.8, 0.7, 0.6], [true, false, true, false]), 15);
        // Ties: 0.9 (pos) then {0.5 pos, 0.5 neg} as one threshold: recall 0.5 at precision 1, recall 1 at 2/3.
        Assert.Equal(0.5 + 1.0 / 3, RankingMetrics.AveragePrecision([0.9, 0.5, 0.5, 0.1], [true, true, false, false]), 15);
        // One threshold for everything: AP = prevalence. An interpolated AP would give the same here, so also:
        Assert.Equal(0.25, RankingMetrics.AveragePrecision([1, 1, 1, 1], [false, true, false, false]), 15);
        // Ranked 0 1 1: recall 0.5 at precision 1/2, recall 1 at 2/3 -> 0.25 + 1/3. Interpolation would give 2/3.
        Assert.Equal(0.25 + 1.0 / 3, RankingMetrics.AveragePrecision([0.9, 0.8, 0.7], [false, true, true]), 15);
        Assert.True(double.IsNaN(RankingMetrics.AveragePrecision([0.2, 0.1], [false, false])));
    }

    [Fact]
    public void CurvesStartAtTheOriginAndHaveOnePointPerDistinctScore()
    {
        double[] scores = [0.9, 0.5, 0.5, 0.1];
        bool[] truth = [true, true, false, false];
        var roc = RankingMetrics.RocCurve(scores, truth);
        Assert.Equal([double.PositiveInfinity, 0.9, 0.5, 0.1], roc.Thresholds);
        Assert.Equal([0, 0, 0.5, 1], roc.FalsePositiveRate);
        Assert.Equal([0, 0.5, 1, 1], roc.TruePositiveRate);
        var pr = RankingMetrics.PrecisionRecallCurve(scores, truth);
        Assert.Equal([0, 0.5, 1, 1], pr.Recall);
        Assert.Equal([1, 1, 2.0 / 3, 0.5], pr.Precision);
    }

    [Fact]
    public void NonFiniteScoresAreRejected()
    {
        Assert.Throws<ArgumentException>(() => RankingMetrics.Auroc([0.1, double.NaN], [true, false]));
    }
}
