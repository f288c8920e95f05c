using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Runtime;

/// <summary>Outcome of <see cref="TorchSelfCheck.Run"/>.</summary>
public sealed record SelfCheckResult(
    double InitialLoss,
    double FinalLoss,
    int Steps,
    double GradientRelativeError,
    double MatmulGflops,
    TimeSpan Elapsed)
{
    /// <summary>The analytic gradient agrees with finite differences and training fits the batch.</summary>
    public bool Passed => GradientRelativeError < 1e-5 && FinalLoss < 0.5 * InitialLoss;
}

/// <summary>
/// A real forward and backward pass through a small convolutional network: autograd is compared with central
/// finite differences in double precision, then Adam fits a fixed random batch, and a matrix multiply measures
/// the BLAS throughput. It proves the native libraries load and compute, and shows roughly how fast.
/// </summary>
public static class TorchSelfCheck
{
    /// <param name="onStep">Called after every optimizer step with the step index (from 0) and its loss.</param>
    public static SelfCheckResult Run(SelfCheckConfig config, Device device, int seed = 0, Action<int, double>? onStep = null)
    {
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)seed);
        var (channels, size, classes) = (config.Model.Channels, config.Model.ImageSize, config.Model.Classes);
        using var model = nn.Sequential(
            nn.Conv2d(1, channels, 3, padding: 1),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(4),
            nn.Flatten(),
            nn.Linear(channels * 16, classes));
        var images = randn([config.Train.BatchSize, 1, size, size], generator: generator);
        var targets = randint(0, classes, [config.Train.BatchSize], generator: generator);
        ResetParameters(model, generator);

        var gradientError = GradientCheck(model, images, targets);

        model.to(float32).to(device);
        var deviceImages = images.to(float32).to(device);
        var deviceTargets = targets.to(device);
        using var optimizer = optim.Adam(model.parameters(), lr: config.Train.LearningRate);
        double initialLoss = 0, finalLoss = 0;
        for (var step = 0; step < config.Train.Steps; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(deviceImages), deviceTargets);
            loss.backward();
            optimizer.step();
            var value = loss.item<float>();
            if (step == 0) initialLoss = value;
            finalLoss = value;
            onStep?.Invoke(step, value);
        }

        var gflops = MatmulGflops(config.Benchmark, device, generator);
        return new SelfCheckResult(initialLoss, finalLoss, config.Train.Steps, gradientError, gflops, clock.Elapsed);
    }

    private static void ResetParameters(nn.Module model, Generator generator)
    {
        using var noGrad = no_grad();
        foreach (var parameter in model.parameters())
            parameter.copy_(randn(parameter.shape, generator: generator) * 0.2);
    }

    /// <summary>Largest relative difference between autograd and central differences over the first conv weights.</summary>
    private static double GradientCheck(nn.Module<Tensor, Tensor> model, Tensor images, Tensor targets)
    {
        model.to(float64);
        var input = images.to(float64);
        model.zero_grad();
        nn.functional.cross_entropy(model.call(input), targets).backward();
        var weight = model.parameters().First();
        var analytic = weight.grad!.flatten().data<double>().ToArray();

        const double h = 1e-6;
        var worst = 0.0;
        using var noGrad = no_grad();
        var flat = weight.view(-1);
        for (var i = 0; i < Math.Min(8, analytic.Length); i++)
        {
            var original = flat[i].item<double>();
            flat[i] = original + h;
            var plus = nn.functional.cross_entropy(model.call(input), targets).item<double>();
            flat[i] = original - h;
            var minus = nn.functional.cross_entropy(model.call(input), targets).item<double>();
            flat[i] = original;
            var numeric = (plus - minus) / (2 * h);
            worst = Math.Max(worst, Math.Abs(numeric - analytic[i]) / Math.Max(1e-3, Math.Abs(analytic[i])));
        }
        return worst;
    }

    private static double MatmulGflops(SelfCheckBenchmark benchmark, Device device, Generator generator)
    {
        var n = benchmark.MatmulSize;
        var a = randn([n, n], generator: generator).to(device);
        var b = randn([n, n], generator: generator).to(device);
        matmul(a, b).Dispose();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < benchmark.MatmulRepeats; i++)
            matmul(a, b).Dispose();
        if (device.type == DeviceType.CUDA)
            cuda.synchronize();
        return 2.0 * n * n * n * benchmark.MatmulRepeats / clock.Elapsed.TotalSeconds / 1e9;
    }
}
