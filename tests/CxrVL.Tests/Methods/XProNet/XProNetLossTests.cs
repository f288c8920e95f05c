using CxrVL.Methods.XProNet;
using static TorchSharp.torch;

namespace CxrVL.Tests.Methods.XProNet;

public sealed class XProNetLossTests
{
    [Fact]
    public void MultiLabelContrastiveLossMatchesHandComputation()
    {
        // cos(1,2) = 0, cos(1,3) = cos(2,3) = sqrt(1/2); sample 3 shares one label with 1 and one with 2.
        var features = tensor(new double[] { 2, 0, 0, 3, 1, 1 }, [3, 2]);
        var labels = tensor(new double[] { 1, 0, 0, 1, 1, 1 }, [3, 2]);

        var loss = MultiLabelContrastiveLoss.Compute(features, labels, margin: 0.4, alpha: 1.5).item<double>();

        // Pairs (1,3), (3,1), (2,3), (3,2): |l_i - l_j| = 1, |l_i| + |l_j| = 3, target 1.5^(-1/3); self pairs reach 1; the
        // negative pair (1,2) has cosine 0 < margin.
        var expected = 4 * (Math.Pow(1.5, -1.0 / 3) - Math.Sqrt(0.5)) / 9;
        Assert.Equal(expected, loss, 12);
    }

    [Fact]
    public void NegativesAboveTheMarginAndPositivesAboveTheirTargetCount()
    {
        // Two samples with disjoint labels at cosine 0.8: each ordered pair pays 0.8 - 0.4. Identical labels at cosine 0.8 pay 1 - 0.8.
        var features = tensor(new double[] { 1, 0, 0.8, 0.6 }, [2, 2]);
        var disjoint = tensor(new double[] { 1, 0, 0, 1 }, [2, 2]);
        var same = tensor(new double[] { 1, 1, 1, 1 }, [2, 2]);

        Assert.Equal(2 * (0.8 - 0.4) / 4, MultiLabelContrastiveLoss.Compute(features, disjoint).item<double>(), 12);
        Assert.Equal(2 * (1 - 0.8) / 4, MultiLabelContrastiveLoss.Compute(features, same).item<double>(), 12);
    }

    [Fact]
    public void ResponsesAverageOverRealPositionsOrOverPaddingAsTheReleasedCode()
    {
        // One sample, three positions of which the last is padding: real mean (1 + 3) / 2, released mean (1 + 3 + 5) / 3.
        var responses = tensor(new double[] { 1, 10, 3, 30, 5, 50 }, [1, 3, 2]);
        var mask = tensor(new[] { true, true, false }, [1, 3]);
        Assert.Equal([2.0, 20.0], XProNetModel.ResponseMean(responses, mask, overPadding: false).data<double>().ToArray());
        Assert.Equal([3.0, 30.0], XProNetModel.ResponseMean(responses, mask, overPadding: true).data<double>().ToArray());
    }

    [Fact]
    public void WordLossAveragesTheTargetLogProbabilitiesOverTheMask()
    {
        // One report: begin, word 2, end (0), padding; the padding position is outside the mask.
        var logProbs = tensor(new double[] { -1, -2, -0.5, -0.25, -3, -4, -7, -8, -9 }, [1, 3, 3]);
        var targets = tensor(new long[] { 0, 2, 0, 0 }, [1, 4]);
        var mask = tensor(new long[] { 1, 1, 1, 0 }, [1, 4]);

        var loss = XProNetModel.WordLoss(logProbs, targets, mask).item<double>();

        // Position 0 predicts word 2 (-0.5), position 1 predicts the end marker 0 (-0.25).
        Assert.Equal((0.5 + 0.25) / 2, loss, 12);
    }
}
