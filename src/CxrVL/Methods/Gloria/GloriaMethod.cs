using CxrVL.Models.Layers;
using CxrVL.Methods.Alignment;
using CxrVL.Methods.Encoders;
using CxrVL.Models;
using CxrVL.Training;
using TorchSharp.Modules;
using CxrVL.Precision;
using static TorchSharp.torch;

namespace CxrVL.Methods.Gloria;

/// <summary>
/// GLoRIA: global InfoNCE on cosine similarities scaled by gamma3 plus the local loss that matches each word with an
/// attention-weighted context of image regions (the attention maps are what GLoRIA visualises).
/// </summary>
public sealed class GloriaMethod : nn.Module, IPretrainingMethod, ILocalAttentionModel
{
    private readonly ImageEncoder image_encoder;
    private readonly TextEncoder text_encoder;
    private readonly AutocastLinear global_embedder;
    private readonly AutocastConv1d local_embedder;
    private readonly AutocastLinear text_embedder;
    private readonly GloriaModelConfig _config;

    public GloriaMethod(GloriaModelConfig config, BertConfig text) : base(nameof(GloriaMethod))
    {
        _config = config;
        image_encoder = new ImageEncoder(config.Image);
        text_encoder = new TextEncoder(text, config.Text.Pooling);
        global_embedder = new AutocastLinear(image_encoder.GlobalDim, config.EmbedDim);
        local_embedder = new AutocastConv1d(image_encoder.LocalDim, config.EmbedDim, 1, bias: false);
        text_embedder = new AutocastLinear(text_encoder.Dim, config.EmbedDim);
        RegisterComponents();
    }

    /// <summary>gloria's registration (see <c>PretrainingMethods</c>).</summary>
    public static PretrainingMethodDescriptor Descriptor { get; } =
        PretrainingMethodDescriptor.For<GloriaModelConfig>((model, text) => new GloriaMethod(model, text), defaultImageRecipe: "mgca");

    public nn.Module Model => this;

    public LossTerms Loss(AlignmentBatch batch, TrainingProgress progress)
    {
        var (images, regions) = EncodeImages(batch.Images);
        var text = text_encoder.forward(batch.Text);
        var global = ContrastiveLoss.InfoNce(images, text_embedder.forward(text.Global), 1.0 / _config.Gloria.Gamma3, _config.DirectionReduction,
            progress.Global);
        var local = GloriaLocalLoss.Compute(text_embedder.forward(text.Words), text.WordMask, regions,
            _config.Gloria.Gamma1, _config.Gloria.Gamma2, _config.Gloria.Gamma3, _config.DirectionReduction);
        return LossTerms.Weighted(new Dictionary<string, Tensor> { ["global"] = global, ["local"] = local.Loss }, progress.LossWeights);
    }

    public Tensor RegionAttention(AlignmentBatch batch)
    {
        using var scope = NewDisposeScope();
        var (_, regions) = EncodeImages(batch.Images);
        var text = text_encoder.forward(batch.Text);
        var local = GloriaLocalLoss.Compute(text_embedder.forward(text.Words), text.WordMask, regions,
            _config.Gloria.Gamma1, _config.Gloria.Gamma2, _config.Gloria.Gamma3);
        return WordAttention.MeanOverWords(local.Attention, text.WordMask).MoveToOuterDisposeScope();
    }

    public Tensor EmbedImages(Tensor images) => Autocast.Normalize(EncodeImages(images).Global, dim: -1);

    public Tensor EmbedTexts(TextInput text) =>
        Autocast.Normalize(text_embedder.forward(text_encoder.forward(text).Global), dim: -1);

    private (Tensor Global, Tensor Regions) EncodeImages(Tensor images)
    {
        var encoding = image_encoder.forward(images);
        var regions = local_embedder.forward(encoding.Local.transpose(1, 2)).transpose(1, 2);
        return (global_embedder.forward(encoding.Global), regions);
    }
}
