using CxrVL.Evaluation.Classification;

namespace CxrVL.Tests.Evaluation.Classification;

public sealed class ConfusionMatrixTests
{
    [Fact]
    public void BinaryCountsAndKappaFollowTheirDefinitions()
    {
        // truth 0 0 1 1, predicted 0 1 1 1: TP 2, FP 1, TN 1, FN 0.
        var counts = BinaryCounts.Of([false, false, true, true], [false, true, true, true]);
        Assert.Equal(new BinaryCounts(2, 1, 1, 0), counts);
        Assert.Equal(2.0 / 3, counts.Precision, 15);
        Assert.Equal(1.0, counts.Recall);
        Assert.Equal(0.8, counts.F1, 15);
        Assert.Equal(0.75, counts.Accuracy);
        // Observed agreement 3/4; chance agreement 0.5 * 0.25 + 0.5 * 0.75 = 0.5; kappa = (0.75 - 0.5) / (1 - 0.5).
        Assert.Equal(0.5, ConfusionMatrix.Of([0, 0, 1, 1], [0, 1, 1, 1], 2).CohenKappa, 15);
    }

    [Fact]
    public void MacroAveragesSkipClassesThatNeverOccur()
    {
        // Class 2 of 3 never occurs: truth 0 0 1 1, predicted 0 1 1 1. F1: class 0 = 2/3, class 1 = 0.8.
        var matrix = ConfusionMatrix.Of([0, 0, 1, 1], [0, 1, 1, 1], 3);
        Assert.Equal([0, 1], matrix.PresentClasses);
        Assert.Equal((2.0 / 3 + 0.8) / 2, matrix.MacroF1, 15);
        Assert.Equal(0.75, matrix.MicroF1, 15);
        Assert.Equal(1, matrix[0, 1]);
    }

    [Fact]
    public void ZeroDenominatorsGiveZeroAndKappaWithoutDisagreementRoomIsUndefined()
    {
        var counts = BinaryCounts.Of([true, false], [false, false]);
        Assert.Equal(0.0, counts.Precision);
        Assert.Equal(0.0, counts.F1);
        Assert.True(double.IsNaN(ConfusionMatrix.Of([1, 1], [1, 1], 2).CohenKappa));
    }

    [Fact]
    public void MeanStdUsesTheSampleStandardDeviation()
    {
        var summary = MeanStd.Of([1.0, 2, 3, 4]);
        Assert.Equal(2.5, summary.Mean);
        Assert.Equal(Math.Sqrt(5.0 / 3), summary.Std, 15);
        Assert.Equal("2.5000 ± 1.2910 (n=4)", summary.ToString());
        Assert.True(double.IsNaN(MeanStd.Of([0.8]).Std));
    }

    [Fact]
    public void ThresholdIsChosenOnValidationAndAppliedToTest()
    {
        // Validation F1 by threshold: 0.9 -> 2/4, 0.8 -> 4/5, 0.7 -> 4/6, 0.4 -> 6/7 (best), 0.3 -> 6/8.
        var result = ThresholdSelection.F1AtValidationThreshold(
            [0.9, 0.8, 0.7, 0.4, 0.3], [true, true, false, true, false],
            [0.5, 0.39, 0.41, 0.1], [true, true, false, false]);
        Assert.Equal(0.4, result.Threshold);
        Assert.Equal(6.0 / 7, result.ValidationF1, 15);
        // Test predictions at >= 0.4: 1 0 1 0 against 1 1 0 0: TP 1, FP 1, FN 1.
        Assert.Equal(new BinaryCounts(1, 1, 1, 1), result.Test);
        Assert.Equal(0.5, result.TestF1);
        Assert.Throws<CxrVLException>(() => ThresholdSelection.BestF1Threshold([0.2, 0.1], [false, false]));
    }
}
