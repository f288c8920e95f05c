using CxrVL.Tasks.Quickstart;
using static TorchSharp.torch;

namespace CxrVL.Tests.Tasks.Quickstart;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class LinearProbeTests
{
    /// <summary>Three well-separated Gaussian clusters: a linear model separates them, so AUROC and accuracy are 1.</summary>
    [Fact]
    public void SeparableClassesAreClassifiedPerfectly()
    {
        manual_seed(1);
        var centres = tensor(new float[] { 4, 0, 0, 0, 4, 0, 0, 0, 4 }, [3, 3]);
        (Tensor, int[]) Draw(int perClass)
        {
            var truth = Enumerable.Range(0, 3).SelectMany(c => Enumerable.Repeat(c, perClass)).ToArray();
            var index = tensor(truth.Select(c => (long)c).ToArray());
            return (centres.index_select(0, index) + 0.3f * randn(truth.Length, 3), truth);
        }
        var (train, trainTruth) = Draw(20);
        var (test, testTruth) = Draw(10);

        var result = LinearProbe.Fit(train, trainTruth, test, testTruth, 3, new LinearProbeConfig { Steps = 200, Lr = 0.05 }, seed: 0);

        Assert.Equal(1.0, result.MacroAuroc, 12);
        Assert.Equal(1.0, result.Accuracy, 12);
        Assert.Equal(60, result.TrainRows);
        for (var i = 0; i < testTruth.Length; i++)
            Assert.Equal(1.0, Enumerable.Range(0, 3).Sum(c => result.Scores[i, c]), 5);
    }

    [Fact]
    public void OneTrainingClassIsAnError()
    {
        using var features = zeros(4, 2);
        Assert.Throws<CxrVLException>(() => LinearProbe.Fit(features, [0, 0, 0, 0], features, [0, 1, 0, 1], 2, new LinearProbeConfig(), 0));
    }
}
