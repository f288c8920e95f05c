using System.Globalization;
using CxrVL.Methods.Mrm;
using CxrVL.Models;
using CxrVL.Precision;
using CxrVL.Runtime;
using CxrVL.Training.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Bench;

/// <summary>
/// One MAE pretraining step of a ViT-B/16 (MRM's image branch): the encoder (<see cref="VisionTransformer.ForwardMasked"/>,
/// fixed sin-cos positions) on the 25% of patches a random shuffle keeps, a decoder of 8 blocks (512 wide, 16 heads)
/// over the full sequence with mask tokens, a linear head to 16 x 16 x 3 pixels, the norm-pixel MSE on the removed
/// patches, and the trainer's AdamW (lr 1.5e-4, betas 0.9/0.95, weight decay 0.05 on matrices). Batch 8, 224 x 224.
/// Prints <c>train_adamw images_per_second</c>; the PyTorch side is <c>bench/reference/mae.py</c>.
/// Options: <c>--warmup N</c> (default 3) untimed and <c>--iterations N</c> (default 5) timed steps,
/// <c>--precision fp32|bf16-mixed|fp16-mixed</c> for the forward pass and loss (an <see cref="Autocast"/> scope; backward and AdamW outside).
/// Comment lines give the mean seconds of the forward pass, backward pass and optimizer over the timed steps, and each step's.
/// </summary>
internal sealed class MaeBenchmark : IBenchmark
{
    private const int Batch = 8;
    private const int ImageSize = 224;
    private const double MaskRatio = 0.75;

    public string Name => "mae";

    public string Description => "ViT-B/16 MAE pretraining step (mask 0.75, 8-block decoder, batch 8, AdamW), images/s";

    public int Run(IReadOnlyList<string> arguments, TextWriter output)
    {
        var options = new BenchArguments(arguments);
        var (warmup, iterations) = (options.Int("warmup", 3), options.Int("iterations", 5));
        var precision = options.Precision();
        var runtime = TorchRuntime.Configure(new RuntimeOptions());
        output.WriteLine($"# cxrvl libtorch {torch.__version__} threads {runtime.Threads}; precision {precision}");
        manual_seed(0);
        using var model = new Mae();
        model.train();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# trainable parameters {model.parameters().Where(p => p.requires_grad).Sum(p => p.numel())}"));
        var config = new OptimizerConfig { Kind = OptimizerKind.AdamW, Lr = 1.5e-4, Betas = [0.9, 0.95], WeightDecay = 0.05 };
        using var optimizer = OptimizerFactory.Create(config, model.named_parameters().Where(p => p.parameter.requires_grad));
        foreach (var group in optimizer.Groups)
            group.LearningRate = config.Lr;
        using var images = randn(Batch, 3, ImageSize, ImageSize);

        var phases = new PhaseTimes("forward", "backward", "optimizer");
        void Step()
        {
            using var scope = NewDisposeScope();
            Tensor loss;
            using (phases.Time(0))
            using (Autocast.Enable(precision))
                loss = model.forward(images);
            using (phases.Time(1))
                loss.backward();
            using (phases.Time(2))
            {
                optimizer.Step();
                optimizer.ZeroGrad();
            }
        }
        var rate = StepTimer.ImagesPerSecond(warmup, iterations, Batch, Step);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"train_adamw {rate:0.000}"));
        output.WriteLine(phases.Summary(warmup));
        output.WriteLine(phases.Steps());
        return 0;
    }

    /// <summary>MAE with MAE's parameter names: the timm encoder, then <c>decoder_*</c> and <c>mask_token</c>.</summary>
    private sealed class Mae : nn.Module<Tensor, Tensor>
    {
        private const int DecoderDim = 512;
        private readonly VisionTransformer encoder;
        private readonly MaeDecoder _decoder;
        private readonly int _patch;

        public Mae() : base(nameof(Mae))
        {
            var config = VisionTransformerConfig.Base16() with { PositionEmbedding = VitPositionEmbedding.SinCos };
            _patch = config.PatchSize;
            encoder = new VisionTransformer(config);
            _decoder = MaeDecoder.Create(config, config with { EmbedDim = DecoderDim, Depth = 8, Heads = 16 }, _patch * _patch * 3);
            using (no_grad())
                nn.init.normal_(_decoder.MaskToken, std: 0.02);
            RegisterComponents();
            _decoder.RegisterIn(this);
        }

        public override Tensor forward(Tensor images)
        {
            using var scope = NewDisposeScope();
            var encoded = encoder.ForwardMasked(images, MaskRatio);
            var prediction = _decoder.Decode(encoded.Tokens, encoded.RestoreIndices, get_parameter("mask_token")!, get_parameter("decoder_pos_embed")!);
            var (n, length) = (prediction.shape[0], encoded.Mask.shape[1]);

            var grid = images.shape[2] / _patch;
            var target = images.reshape(n, 3, grid, _patch, grid, _patch).permute(0, 2, 4, 3, 5, 1).reshape(n, length, -1);
            var mean = target.mean([-1], keepdim: true);
            var variance = target.var(-1, keepdim: true);
            target = (target - mean) / (variance + 1e-6).sqrt();
            var loss = (prediction - target).pow(2).mean([-1]);
            return ((loss * encoded.Mask).sum() / encoded.Mask.sum()).MoveToOuterDisposeScope();
        }
    }
}
