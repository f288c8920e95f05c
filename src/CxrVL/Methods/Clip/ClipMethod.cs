using CxrVL.Methods.Alignment;
using CxrVL.Methods.Encoders;
using CxrVL.Models;
using CxrVL.Training;
using TorchSharp.Modules;
using CxrVL.Precision;
using static TorchSharp.torch;

namespace CxrVL.Methods.Clip;

/// <summary>
/// ConVIRT / CLIP: global image and report features projected into one space (linear, ConVIRT's MLP or MGCA's
/// BatchNorm head) and aligned with a symmetric InfoNCE, at a learned (or fixed) temperature.
/// </summary>
public sealed class ClipMethod : nn.Module, IPretrainingMethod
{
    private readonly ImageEncoder image_encoder;
    private readonly TextEncoder text_encoder;
    private readonly nn.Module<Tensor, Tensor> image_projection;
    private readonly nn.Module<Tensor, Tensor> text_projection;
    private readonly Parameter logit_scale;
    private readonly ClipModelConfig _config;

    public ClipMethod(ClipModelConfig config, BertConfig text) : base(nameof(ClipMethod))
    {
        _config = config;
        image_encoder = new ImageEncoder(config.Image);
        text_encoder = new TextEncoder(text, config.Text.Pooling);
        image_projection = config.Projection.Create(image_encoder.GlobalDim, config.EmbedDim);
        text_projection = config.Projection.Create(text_encoder.Dim, config.EmbedDim);
        logit_scale = nn.Parameter(tensor((float)Math.Log(1 / config.Temperature)), requires_grad: config.LearnTemperature);
        RegisterComponents();
    }

    /// <summary>clip's registration (see <c>PretrainingMethods</c>).</summary>
    public static PretrainingMethodDescriptor Descriptor { get; } =
        PretrainingMethodDescriptor.For<ClipModelConfig>((model, text) => new ClipMethod(model, text), defaultImageRecipe: "mgca");

    public nn.Module Model => this;

    public LossTerms Loss(AlignmentBatch batch, TrainingProgress progress)
    {
        var images = image_projection.forward(image_encoder.forward(batch.Images).Global);
        var texts = text_projection.forward(text_encoder.EncodeGlobal(batch.Text));
        // CLIP clamps the learned scale at 100 so the logits cannot blow up.
        var scale = logit_scale.clamp_max(Math.Log(100)).exp();
        var global = ContrastiveLoss.InfoNce(images, texts, scale, _config.DirectionReduction, progress.Global);
        return LossTerms.Weighted(new Dictionary<string, Tensor> { ["global"] = global }, progress.LossWeights);
    }

    public Tensor EmbedImages(Tensor images) =>
        Autocast.Normalize(image_projection.forward(image_encoder.forward(images).Global), dim: -1);

    public Tensor EmbedTexts(TextInput text) =>
        Autocast.Normalize(text_projection.forward(text_encoder.EncodeGlobal(text)), dim: -1);
}
