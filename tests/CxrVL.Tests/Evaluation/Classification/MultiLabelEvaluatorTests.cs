using CxrVL.Data.Builders;
using CxrVL.Evaluation.Classification;

namespace CxrVL.Tests.Evaluation.Classification;

public sealed class MultiLabelEvaluatorTests
{
    private const double U = -1;
    private const double M = double.NaN;

    private static double[,] Matrix(double[][] rows)
    {
        var matrix = new double[rows.Length, rows[0].Length];
        for (var i = 0; i < rows.Length; i++)
        for (var j = 0; j < rows[0].Length; j++)
            matrix[i, j] = rows[i][j];
        return matrix;
    }

    [Fact]
    public void UncertainAndMissingLabelsAreExcludedPerLabelAndOneClassLabelsAreListed()
    {
        var scores = Matrix([[0.9, 0.1, 0.5], [0.2, 0.8, 0.4], [0.7, 0.3, 0.3], [0.1, 0.9, 0.2], [0.6, 0.6, 0.1]]);
        var labels = Matrix([[1, 0, 0], [0, 1, 0], [U, 0, 0], [0, M, 0], [1, 1, M]]);
        var result = MultiLabelEvaluator.Evaluate(["A", "B", "C"], scores, labels);

        var a = result.Labels[0];
        // A scored on rows 0, 1, 3, 4 (row 2 uncertain): positives {0.9, 0.6} above negatives {0.2, 0.1}.
        Assert.Equal((1.0, 2, 2, 1, 0), (a.Auroc, a.Positives, a.Negatives, a.Uncertain, a.Missing));
        var b = result.Labels[1];
        // B on rows 0, 1, 2, 4: positives {0.8, 0.6} vs negatives {0.1, 0.3}: AUROC 1; AP 1.
        Assert.Equal((1.0, 1.0, 2, 2, 1), (b.Auroc, b.AveragePrecision, b.Positives, b.Negatives, b.Missing));
        Assert.True(double.IsNaN(result.Labels[2].Auroc));
        Assert.Equal(["C"], result.LabelsWithoutBothClasses);
        Assert.Equal(1.0, result.MacroAuroc);

        // Counted as positive, row 2 of A (0.7) joins the positives: still above every negative.
        var ones = MultiLabelEvaluator.Evaluate(["A", "B", "C"], scores, labels, new MultiLabelOptions { Uncertain = UncertainPolicy.Ones });
        Assert.Equal(3, ones.Labels[0].Positives);
        // Counted as negative, 0.7 beats the positive 0.6: 5 of 6 pairs ordered.
        var zeros = MultiLabelEvaluator.Evaluate(["A", "B", "C"], scores, labels, new MultiLabelOptions { Uncertain = UncertainPolicy.Zeros });
        Assert.Equal(5.0 / 6, zeros.Labels[0].Auroc, 15);
    }

    [Fact]
    public void MacroAverageRunsOverLabelsWithBothClasses()
    {
        var scores = Matrix([[0.9, 0.2, 0.3], [0.1, 0.8, 0.3], [0.5, 0.4, 0.3], [0.6, 0.7, 0.9]]);
        var labels = Matrix([[1, 0, 0], [0, 0, 0], [0, 1, 0], [1, 1, 0]]);
        var result = MultiLabelEvaluator.Evaluate(["A", "B", "C"], scores, labels);
        // A: positives {0.9, 0.6} vs {0.1, 0.5}: 1. B: positives {0.4, 0.7} vs {0.2, 0.8}: (1 + 0 + 1 + 0) / 4 = 0.5.
        Assert.Equal(0.75, result.MacroAuroc, 15);
        Assert.Equal(["C"], result.LabelsWithoutBothClasses);
    }

    [Fact]
    public void BadLabelValuesAreAClearError()
    {
        var error = Assert.Throws<CxrVLException>(() => MultiLabelEvaluator.Evaluate(["A"], Matrix([[0.5], [0.1]]), Matrix([[2], [0]])));
        Assert.Contains("label 'A' of sample 0 is 2", error.Message);
    }

    /// <summary>Issue 18, item 17: with sample ids (fine-tuning passes study ids) a bad value names the sample, not its index.</summary>
    [Fact]
    public void BadValuesNameTheSampleIdWhenGiven()
    {
        var ids = new MultiLabelOptions { SampleIds = ["p7-s1", "p9-s0"] };
        var label = Assert.Throws<CxrVLException>(() => MultiLabelEvaluator.Evaluate(["A"], Matrix([[0.5], [0.1]]), Matrix([[1], [7]]), ids));
        Assert.StartsWith("label 'A' of sample 'p9-s0' is 7;", label.Message);
        var score = Assert.Throws<CxrVLException>(() => MultiLabelEvaluator.Evaluate(["A"], Matrix([[double.NaN], [0.1]]), Matrix([[1], [0]]), ids));
        Assert.StartsWith("score 'A' of sample 'p7-s1' is NaN;", score.Message);
    }

    [Fact]
    public void BootstrapMatchesExplicitResamplingAndCountsOneClassResamples()
    {
        // Independent route: draw the same resamples, materialise each as a copied data set, score it directly.
        var random = new Random(3);
        const int n = 12;
        var scoreColumn = Enumerable.Range(0, n).Select(_ => random.Next(5) / 4.0).ToArray();
        bool[] truth = [true, false, false, false, true, false, false, false, false, false, true, false];
        var scores = new double[n, 1];
        var labels = new double[n, 1];
        for (var i = 0; i < n; i++)
            (scores[i, 0], labels[i, 0]) = (scoreColumn[i], truth[i] ? 1 : 0);

        const int resamples = 500;
        const int seed = 11;
        var aurocs = new List<double>();
        var skipped = 0;
        Bootstrap.Resample(n, resamples, seed, counts =>
        {
            var copiedScores = new List<double>();
            var copiedTruth = new List<bool>();
            for (var i = 0; i < n; i++)
                for (var c = 0; c < counts[i]; c++)
                {
                    copiedScores.Add(scoreColumn[i]);
                    copiedTruth.Add(truth[i]);
                }
            var auroc = RankingMetrics.Auroc(copiedScores.ToArray(), copiedTruth.ToArray());
            if (double.IsNaN(auroc)) skipped++; else aurocs.Add(auroc);
        });
        var sorted = aurocs.Order().ToArray();

        var result = MultiLabelEvaluator.Evaluate(["A"], scores, labels, new MultiLabelOptions { BootstrapResamples = resamples, Seed = seed });
        var interval = result.Labels[0].AurocInterval!;
        Assert.Equal(skipped, interval.Skipped);
        Assert.Equal(resamples - skipped, interval.Resamples);
        // With 3 positives in 12, a resample misses all of them with probability (3/4)^12 = 3.2%.
        Assert.InRange(skipped, 4, 40);
        Assert.Equal(Bootstrap.Quantile(sorted, 0.025), interval.Lower, 15);
        Assert.Equal(Bootstrap.Quantile(sorted, 0.975), interval.Upper, 15);
        Assert.Equal(interval, result.MacroAurocInterval);

        var again = MultiLabelEvaluator.Evaluate(["A"], scores, labels, new MultiLabelOptions { BootstrapResamples = resamples, Seed = seed });
        Assert.Equal(interval, again.Labels[0].AurocInterval);
        var other = MultiLabelEvaluator.Evaluate(["A"], scores, labels, new MultiLabelOptions { BootstrapResamples = resamples, Seed = seed + 1 });
        Assert.NotEqual((interval.Lower, interval.Upper, interval.Skipped), (other.Labels[0].AurocInterval!.Lower, other.Labels[0].AurocInterval!.Upper, other.Labels[0].AurocInterval!.Skipped));
    }

    [Fact]
    public void QuantileInterpolatesLinearlyLikeNumpy()
    {
        // numpy.percentile([1, 2, 3, 4, 5], 2.5) = 1 + 0.025 * 4 = 1.1; 97.5 -> 4.9.
        double[] values = [1, 2, 3, 4, 5];
        Assert.Equal(1.1, Bootstrap.Quantile(values, 0.025), 15);
        Assert.Equal(4.9, Bootstrap.Quantile(values, 0.975), 15);
        var interval = Bootstrap.PercentileInterval([5.0, 3, 1, 4, 2], 0.95, skipped: 2)!;
        Assert.Equal((1.1, 4.9, 5, 2), (interval.Lower, interval.Upper, interval.Resamples, interval.Skipped), new ToleranceComparer());
    }

    private sealed class ToleranceComparer : IEqualityComparer<(double, double, int, int)>
    {
        public bool Equals((double, double, int, int) x, (double, double, int, int) y) =>
            Math.Abs(x.Item1 - y.Item1) < 1e-12 && Math.Abs(x.Item2 - y.Item2) < 1e-12 && x.Item3 == y.Item3 && x.Item4 == y.Item4;

        public int GetHashCode((double, double, int, int) obj) => 0;
    }
}
