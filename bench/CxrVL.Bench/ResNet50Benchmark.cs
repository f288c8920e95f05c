using System.Globalization;
using CxrVL.Models;
using CxrVL.Precision;
using CxrVL.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Bench;

/// <summary>
/// ResNet-50 throughput: inference (batch 32, 224 x 224, eval) in several variants, and one SGD training step
/// (batch 16, cross-entropy over 1000 classes). Prints <c>variant images_per_second</c> lines; the PyTorch side is
/// <c>bench/reference/resnet50.py</c> and <c>bench/run-resnet50.sh</c> writes the comparison.
/// Options: <c>--iterations N</c> timed batches per variant (default 3), <c>--warmup N</c> untimed batches before them (default 2),
/// <c>--variants a,b</c> to run a subset, <c>--precision fp32|bf16-mixed|fp16-mixed</c> for the training steps' forward pass and loss
/// (in an <see cref="Autocast"/> scope; the backward pass and SGD outside it, as with <c>torch.autocast</c>).
/// </summary>
internal sealed class ResNet50Benchmark : IBenchmark
{
    private const int InferenceBatch = 32;
    private const int TrainBatch = 16;
    private const int ImageSize = 224;
    private const int Classes = 1000;

    public string Name => "resnet50";

    public string Description => "ResNet-50 inference (batch 32) and SGD training step (batch 16) throughput, images/s";

    private static readonly string[] AllVariants =
        ["infer_no_grad", "infer_inference_mode", "infer_channels_last", "infer_fused_bn", "infer_fused_bn_channels_last", "train_sgd", "train_sgd_channels_last"];

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        var options = new BenchArguments(arguments);
        var (warmup, iterations) = (options.Int("warmup", 2), options.Int("iterations", 3));
        var variants = options.String("variants", string.Join(',', AllVariants)).Split(',');
        var precision = options.Precision();
        var runtime = TorchRuntime.Configure(new RuntimeOptions());
        var mmapped = AllocatorProbe.MmappedMegabytesFor256MbTensor();
        output.WriteLine($"# cxrvl libtorch {torch.__version__} threads {runtime.Threads}; " +
                         $"CXRVL_GLIBC_MALLOC_DEFAULTS={Environment.GetEnvironmentVariable("CXRVL_GLIBC_MALLOC_DEFAULTS") ?? "unset"}; " +
                         $"a 256 MB tensor on the main thread: {mmapped?.ToString(CultureInfo.InvariantCulture) ?? "?"} MB mmapped; " +
                         $"convolution caches: {ConvolutionBackends.CacheStatus}; precision {precision}");
        foreach (var variant in variants)
        {
            var rate = variant.StartsWith("train", StringComparison.Ordinal)
                ? Train(variant.EndsWith("channels_last", StringComparison.Ordinal), precision, warmup, iterations)
                : Infer(variant, warmup, iterations);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{variant} {rate:0.00}"));
        }
        return 0;
    }

    private static double Infer(string variant, int warmup, int iterations)
    {
        manual_seed(0);
        using var model = new ResNet(ResNetConfig.ResNet50(Classes));
        model.eval();
        var channelsLast = variant.EndsWith("channels_last", StringComparison.Ordinal);
        if (variant.StartsWith("infer_fused_bn", StringComparison.Ordinal))
            model.FuseBatchNormForInference();
        if (channelsLast)
            model.ToChannelsLast();
        using var input = randn(InferenceBatch, 3, ImageSize, ImageSize);
        using var mode = variant == "infer_no_grad" ? no_grad() : inference_mode();
        return StepTimer.ImagesPerSecond(warmup, iterations, InferenceBatch, () =>
        {
            using var scope = NewDisposeScope();
            model.forward(input);
        });
    }

    private static double Train(bool channelsLast, TrainingPrecision precision, int warmup, int iterations)
    {
        manual_seed(0);
        using var model = new ResNet(ResNetConfig.ResNet50(Classes));
        model.train();
        if (channelsLast)
            model.ToChannelsLast();
        // What the trainer does before building its optimizer: a mixed precision runs the ResNet channels-last.
        MixedPrecisionLayout.Prepare(model, precision);
        using var optimizer = optim.SGD(model.parameters(), 0.01, momentum: 0.9);
        using var input = randn(TrainBatch, 3, ImageSize, ImageSize);
        using var labels = randint(Classes, [TrainBatch]);
        return StepTimer.ImagesPerSecond(warmup, iterations, TrainBatch, () =>
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            Tensor loss;
            using (Autocast.Enable(precision))
                loss = nn.functional.cross_entropy(model.forward(input).Logits!, labels);
            loss.backward();
            optimizer.step();
        });
    }
}
