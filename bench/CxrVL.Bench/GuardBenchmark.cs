using System.Diagnostics;
using System.Globalization;
using CxrVL.Models;
using CxrVL.Runtime;
using CxrVL.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Bench;

/// <summary>
/// What the trainer's non-finite guard adds to a training step: the gradient norm (one pass over the gradients, measured
/// on every step that does not clip) and, under <c>train.nonfinite: skip</c>, the copy of the buffers before each batch,
/// against a plain SGD step (forward, backward, update) of a ResNet. Prints <c>variant milliseconds</c> lines.
/// Options: <c>--model resnet18|resnet50</c> (default resnet18), <c>--size N</c> pixels (default 128), <c>--batch N</c>
/// (default 16), <c>--iterations N</c> (default 5), <c>--warmup N</c> (default 2).
/// </summary>
internal sealed class GuardBenchmark : IBenchmark
{
    public string Name => "guard";

    public string Description => "cost of the trainer's non-finite guard (gradient norm, buffer copy) against a ResNet training step, ms";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        var options = new BenchArguments(arguments);
        var (warmup, iterations) = (options.Int("warmup", 2), options.Int("iterations", 5));
        var (name, size, batch) = (options.String("model", "resnet18"), options.Int("size", 128), options.Int("batch", 16));
        var runtime = TorchRuntime.Configure(new RuntimeOptions());
        output.WriteLine($"# cxrvl libtorch {torch.__version__} threads {runtime.Threads}; {name} at {size} px, batch {batch}");

        manual_seed(0);
        using var model = new ResNet(ResNetConfig.Named(name, 2));
        model.train();
        var parameters = model.parameters().ToList();
        using var optimizer = optim.SGD(parameters, 0.01, momentum: 0.9);
        using var input = randn(batch, 3, size, size);
        using var labels = randint(2, [batch]);
        using var buffers = new BufferSnapshot(model);

        var step = Milliseconds(warmup, iterations, () =>
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.cross_entropy(model.forward(input).Logits!, labels).backward();
            optimizer.step();
        });
        // The gradients of the last step are still there: the norm reads them as the trainer does.
        var norm = Milliseconds(warmup, iterations, () => GradientNorm.Of(parameters));
        var capture = Milliseconds(warmup, iterations, () => buffers.Capture(model));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {step:0.00}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"grad_norm {norm:0.00} ({100 * norm / step:0.00}% of a step)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"buffer_copy {capture:0.00} ({100 * capture / step:0.00}% of a step)"));
        return 0;
    }

    private static double Milliseconds(int warmup, int iterations, Action action)
    {
        for (var i = 0; i < warmup; i++)
            action();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
            action();
        return watch.Elapsed.TotalMilliseconds / iterations;
    }
}
