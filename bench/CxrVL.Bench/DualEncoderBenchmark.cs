using System.Globalization;
using CxrVL.Methods.Clip;
using CxrVL.Methods.Encoders;
using CxrVL.Models;
using CxrVL.Precision;
using CxrVL.Runtime;
using CxrVL.Tasks.Pretraining;
using CxrVL.Training;
using CxrVL.Training.Optimizers;
using static TorchSharp.torch;

namespace CxrVL.Bench;

/// <summary>
/// One CLIP training step of a ResNet-50 + BERT-base dual encoder as <c>cxrvl pretrain --method clip</c> runs it:
/// <see cref="Methods.Clip.ClipMethod"/> (linear projections to 512, learned temperature, mean of both InfoNCE
/// directions), the trainer's AdamW (lr 1e-5, weight decay 0.05 on matrices), batch 8, 224 x 224, 128 tokens.
/// The PyTorch side is <c>bench/reference/dual_encoder.py</c>; <c>bench/run-dual-encoder.sh</c> writes the comparison.
/// Options: <c>--warmup N</c> (default 2) untimed steps, <c>--iterations N</c> (default 3) timed steps, <c>--variants a,b</c>,
/// <c>--precision fp32|bf16-mixed|fp16-mixed</c> for the forward pass and loss (an <see cref="Autocast"/> scope, as the trainer opens).
/// </summary>
internal sealed class DualEncoderBenchmark : IBenchmark
{
    private const int Batch = 8;
    private const int ImageSize = 224;
    private const int Tokens = 128;

    private static readonly string[] AllVariants = ["train_adamw", "train_adamw_channels_last"];

    public string Name => "dual-encoder";

    public string Description => "ResNet-50 + BERT-base CLIP training step (batch 8, 224, AdamW), images/s";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        var options = new BenchArguments(arguments);
        var (warmup, iterations) = (options.Int("warmup", 2), options.Int("iterations", 3));
        var variants = options.String("variants", string.Join(',', AllVariants)).Split(',');
        var precision = options.Precision();
        var runtime = TorchRuntime.Configure(new RuntimeOptions());
        output.WriteLine($"# cxrvl libtorch {TorchSharp.torch.__version__} threads {runtime.Threads}; " +
                         $"MALLOC_ARENA_MAX={Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") ?? "unset"}; precision {precision}");
        foreach (var variant in variants)
        {
            var rate = Rate(variant.EndsWith("channels_last", StringComparison.Ordinal), precision, warmup, iterations);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{variant} {rate:0.000}"));
        }
        return 0;
    }

    private static double Rate(bool channelsLast, TrainingPrecision precision, int warmup, int iterations)
    {
        manual_seed(0);
        var config = new ClipModelConfig
        {
            Image = new ImageEncoderConfig { Backbone = "resnet50", ImageSize = ImageSize, ChannelsLast = channelsLast },
            EmbedDim = 512,
        };
        using var method = PretrainingMethods.BuiltIn.Create(config, new BertConfig());
        method.Model.train();
        // What the trainer does before building its optimizer: a mixed precision runs the ResNet channels-last.
        MixedPrecisionLayout.Prepare(method.Model, precision);
        var optimizerConfig = new OptimizerConfig { Kind = OptimizerKind.AdamW, Lr = 1e-5, WeightDecay = 0.05 };
        using var optimizer = OptimizerFactory.Create(optimizerConfig, method.Model.named_parameters());
        foreach (var group in optimizer.Groups)
            group.LearningRate = optimizerConfig.Lr;
        using var batch = new AlignmentBatch(randn(Batch, 3, ImageSize, ImageSize),
            new TextInput(randint(1000, 28996, [Batch, Tokens]), ones(Batch, Tokens, ScalarType.Int64),
                          (arange(Tokens) - 1).clamp_max(Tokens - 3).unsqueeze(0).expand(Batch, Tokens).contiguous()),
            Enumerable.Range(0, Batch).ToList());
        var progress = new TrainingProgress(0, "train", 0, 0, 1, 0, new Dictionary<string, double>());

        void Step()
        {
            using var scope = NewDisposeScope();
            Tensor loss;
            using (Autocast.Enable(precision))
                loss = method.Loss(batch, progress).Total;
            loss.backward();
            optimizer.Step();
            optimizer.ZeroGrad();
        }
        return StepTimer.ImagesPerSecond(warmup, iterations, Batch, Step);
    }
}
