using CxrVL.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tests.Runtime;

public sealed class TorchComputationTests
{
    [Fact]
    public void MatrixProductMatchesHandComputation()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        var b = tensor(new float[] { 5, 6, 7, 8 }, [2, 2]);

        var product = matmul(a, b).data<float>().ToArray();

        // [1 2; 3 4] x [5 6; 7 8] = [1*5+2*7, 1*6+2*8; 3*5+4*7, 3*6+4*8]
        Assert.Equal(new float[] { 19, 22, 43, 50 }, product);
    }

    [Fact]
    public void BackwardGivesHandDerivedGradient()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[] { 1, -2, 3 }, requires_grad: true);
        var w = tensor(new double[] { 0.5, 4, -1 });

        // f(x) = sum(w * x^2) + sum(sin x); df/dx = 2 w x + cos x
        var f = (w * x.pow(2)).sum() + x.sin().sum();
        f.backward();

        var expectedValue = 0.5 * 1 + 4 * 4 + -1 * 9 + Math.Sin(1) + Math.Sin(-2) + Math.Sin(3);
        Assert.Equal(expectedValue, f.item<double>(), 12);
        var gradient = x.grad!.data<double>().ToArray();
        Assert.Equal(2 * 0.5 * 1 + Math.Cos(1), gradient[0], 12);
        Assert.Equal(2 * 4 * -2 + Math.Cos(-2), gradient[1], 12);
        Assert.Equal(2 * -1 * 3 + Math.Cos(3), gradient[2], 12);
    }

    [Fact]
    public void SelfCheckTrainsAndAgreesWithFiniteDifferences()
    {
        var config = new SelfCheckConfig();
        config.Benchmark.MatmulSize = 128;
        var losses = new List<double>();

        var result = TorchSelfCheck.Run(config, CPU, seed: 3, onStep: (_, loss) => losses.Add(loss));

        Assert.Equal(config.Train.Steps, losses.Count);
        Assert.True(result.GradientRelativeError < 1e-5, $"gradient error {result.GradientRelativeError}");
        Assert.True(result.FinalLoss < 0.5 * result.InitialLoss, $"loss {result.InitialLoss} -> {result.FinalLoss}");
        Assert.True(result.Passed);
    }

    [Fact]
    public void SameSeedGivesSameTrainingCurve()
    {
        var config = new SelfCheckConfig();
        config.Train.Steps = 5;
        config.Benchmark.MatmulSize = 64;

        var first = TorchSelfCheck.Run(config, CPU, seed: 11);
        var second = TorchSelfCheck.Run(config, CPU, seed: 11);
        var other = TorchSelfCheck.Run(config, CPU, seed: 12);

        Assert.Equal(first.FinalLoss, second.FinalLoss);
        Assert.NotEqual(first.InitialLoss, other.InitialLoss);
    }
}
