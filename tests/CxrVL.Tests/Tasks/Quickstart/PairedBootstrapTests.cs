using CxrVL.Evaluation.Classification;
using CxrVL.Tasks.Quickstart;

namespace CxrVL.Tests.Tasks.Quickstart;

/// <summary>
/// The quickstart's paired differences, against hand derivations: a model better by the same amount on every item has
/// that difference as both ends of its interval; two models that differ on one item out of many have an interval that
/// reaches 0 (no gain); the interval's ends are percentiles of the paired differences of the same draws (numpy's linear
/// quantiles of the values computed here item by item); AUROC over a draw scores the drawn items as often as drawn.
/// </summary>
public sealed class PairedBootstrapTests
{
    [Fact]
    public void AConstantImprovementIsItsOwnIntervalAndAGain()
    {
        var baseline = Enumerable.Range(0, 30).Select(i => (i % 3) / 4.0).ToArray();
        var better = baseline.Select(v => v + 0.1).ToArray();

        var row = PairedBootstrap.Compare("t", "m", 30, new Dictionary<QuickstartArm, Func<int[], double>?>
        {
            [QuickstartArm.Random] = ItemStatistics.Mean(baseline), [QuickstartArm.Package] = null, [QuickstartArm.Pretrained] = ItemStatistics.Mean(better),
        }, resamples: 100, seed: 3);

        Assert.Equal(0.1, row.VersusRandom!.Difference, 12);
        Assert.Equal(0.1, row.VersusRandom.Lower, 12);
        Assert.Equal(0.1, row.VersusRandom.Upper, 12);
        Assert.True(row.VersusRandom.IsGain(higherIsBetter: true));
        Assert.Null(row.VersusPackage);
        Assert.Null(row.Package);
        Assert.Equal("n/a", row.Text(QuickstartArm.Package));
        Assert.EndsWith(" gain", row.DifferenceText(row.VersusRandom));
    }

    [Fact]
    public void ADifferenceOnOneItemOfFortyIsWithinNoise()
    {
        var a = new double[40];
        var b = new double[40];
        a[7] = 1;
        var interval = PairedBootstrap.Difference(40, ItemStatistics.Mean(a), ItemStatistics.Mean(b), 400, seed: 1)!;

        Assert.Equal(0.025, interval.Difference, 12);
        Assert.Equal(0, interval.Lower);
        Assert.False(interval.IsGain(higherIsBetter: true));
        Assert.False(interval.IsLoss(higherIsBetter: true));
    }

    /// <summary>The quickstart's BLEU-4 of two generators that never match four words: 6e-15 against 1e-15 on every draw.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ADifferenceTheTableCannotShowIsNeitherGainNorLoss(bool higherIsBetter)
    {
        var tiny = new DifferenceInterval(5e-15, 1e-15, 6e-15, 0.95, 200);
        Assert.False(tiny.IsGain(higherIsBetter));
        Assert.False(tiny.IsLoss(higherIsBetter));
        var shown = new DifferenceInterval(0.002, 0.001, 0.003, 0.95, 200);
        Assert.Equal(higherIsBetter, shown.IsGain(higherIsBetter));
        Assert.Equal(!higherIsBetter, shown.IsLoss(higherIsBetter));
    }

    [Fact]
    public void TheEndsArePercentilesOfThePairedDifferencesOfTheSameDraws()
    {
        var random = new Random(5);
        var a = Enumerable.Range(0, 25).Select(_ => random.NextDouble()).ToArray();
        var b = Enumerable.Range(0, 25).Select(_ => random.NextDouble()).ToArray();

        var interval = PairedBootstrap.Difference(25, ItemStatistics.Mean(a), ItemStatistics.Mean(b), 200, seed: 9)!;

        var differences = new List<double>();
        Bootstrap.Resample(25, 200, 9, counts =>
        {
            double sum = 0, n = 0;
            for (var i = 0; i < 25; i++)
            {
                sum += counts[i] * (a[i] - b[i]);
                n += counts[i];
            }
            differences.Add(sum / n);
        });
        var sorted = differences.Order().ToArray();
        // numpy.percentile(d, 2.5) with the default linear method: position 0.025 * 199 = 4.975.
        Assert.Equal(sorted[4] + 0.975 * (sorted[5] - sorted[4]), interval.Lower, 12);
        Assert.Equal(sorted[194] + 0.025 * (sorted[195] - sorted[194]), interval.Upper, 12);
        Assert.Equal(a.Average() - b.Average(), interval.Difference, 12);
        Assert.Equal(200, interval.Resamples);
    }

    [Fact]
    public void AurocOfADrawCountsEachDrawnItemAsOftenAsDrawn()
    {
        double[,] scores = { { 0.9, 0.1 }, { 0.2, 0.8 }, { 0.6, 0.4 }, { 0.3, 0.7 } };
        int[] truth = [0, 1, 1, 0];
        var auroc = ItemStatistics.Auroc(scores, truth);

        // All items: class 0 scores 0.9 and 0.3 against 0.2 and 0.6 -> pairs (0.9>0.2, 0.9>0.6, 0.3>0.2, 0.3<0.6) = 3/4,
        // and class 1 by its column the same 3/4.
        Assert.Equal(0.75, auroc([1, 1, 1, 1]), 12);
        // Item 3 drawn twice, item 2 never: class 0 {0.9, 0.3, 0.3} against {0.2}: all above -> 1.
        Assert.Equal(1.0, auroc([1, 1, 0, 2]), 12);
        // Only class 0 drawn: undefined.
        Assert.True(double.IsNaN(auroc([2, 0, 0, 2])));
    }
}
