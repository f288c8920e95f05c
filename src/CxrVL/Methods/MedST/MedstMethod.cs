using CxrVL.Methods.Alignment;
using CxrVL.Methods.Encoders;
using CxrVL.Models;
using CxrVL.Training;
using CxrVL.Weights;
using CxrVL.Precision;
using static TorchSharp.torch;

namespace CxrVL.Methods.MedST;

/// <summary>
/// MedST (ICML 2024): MGCA-style image-report pretraining with a mixture-of-view-experts ViT over frontal and lateral
/// images, and a temporal cross-modal cycle consistency over each patient's studies in time order. Losses: global
/// InfoNCE of the BatchNorm-projected [CLS] embeddings; word/patch alignment weighted by learned one-head attention
/// (<see cref="TokenWeighting"/>); <see cref="TemporalCycleLoss"/> over the batch's complete sequences, both directions.
/// Unlike MedST, the patches of a missing lateral image take no part in the local alignment (MedST aligns the zero
/// image's tokens too).
/// </summary>
public sealed class MedstMethod : nn.Module, IPretrainingMethod
{
    private readonly VisionTransformer image_encoder;
    private readonly TextEncoder text_encoder;
    private readonly BatchNormProjection image_global;
    private readonly BatchNormProjection image_local;
    private readonly BatchNormProjection text_global;
    private readonly BatchNormProjection text_local;
    private readonly TokenWeighting word_weighting;
    private readonly TokenWeighting patch_weighting;
    private readonly MedstModelConfig _config;

    public MedstMethod(MedstModelConfig config, BertConfig text) : this(config, text, Vision(config))
    {
    }

    /// <summary>With an explicit ViT shape (lateral experts are added); <c>model.image</c> is not read.</summary>
    public MedstMethod(MedstModelConfig config, BertConfig text, VisionTransformerConfig vision) : base(nameof(MedstMethod))
    {
        _config = config;
        if (config.Medst.SequenceLength < 2)
            throw new CxrVLException($"model.medst.sequence_length must be at least 2 (got {config.Medst.SequenceLength}).");
        var (hidden, dim) = (config.Mgca.HiddenDim, config.EmbedDim);
        image_encoder = new VisionTransformer(vision with { LateralExperts = true });
        text_encoder = new TextEncoder(text, config.Text.Pooling);
        var width = image_encoder.Config.EmbedDim;
        image_global = new BatchNormProjection(width, hidden, dim);
        image_local = new BatchNormProjection(width, hidden, dim);
        text_global = new BatchNormProjection(text_encoder.Dim, hidden, dim);
        text_local = new BatchNormProjection(text_encoder.Dim, hidden, dim);
        word_weighting = new TokenWeighting(dim);
        patch_weighting = new TokenWeighting(dim);
        RegisterComponents();
    }

    public nn.Module Model => this;

    public string ImageBackbone => "image_encoder";

    /// <summary>medst's registration (see <c>PretrainingMethods</c>).</summary>
    public static PretrainingMethodDescriptor Descriptor { get; } =
        PretrainingMethodDescriptor.For<MedstModelConfig>((model, text) => new MedstMethod(model, text), defaultImageRecipe: "medst",
            defaultReportCleaner: "mgca");

    public int SequenceLength => _config.Medst.SequenceLength;

    public VisionTransformer ImageEncoder => image_encoder;

    public LossTerms Loss(AlignmentBatch batch, TrainingProgress progress)
    {
        var medst = _config.Medst;
        var temperature = _config.Mgca.LocalTemperature;
        var multiView = medst.Lateral && batch.Lateral is not null && batch.HasLateral is not null;
        var image = multiView
            ? image_encoder.ForwardViews(batch.Images, batch.Lateral!, batch.HasLateral!)
            : image_encoder.forward(batch.Images);
        var text = text_encoder.forward(batch.Text);
        var imageEmbedding = Autocast.Normalize(image_global.forward(image.Pooled), dim: -1);
        var textEmbedding = Autocast.Normalize(text_global.forward(text.Global), dim: -1);
        var patches = Autocast.Normalize(image_local.forward(image.Tokens[.., 1..]), dim: -1);
        var words = Autocast.Normalize(text_local.forward(text.Words), dim: -1);
        var patchMask = multiView && medst.ExcludeMissingLateralPatches ? PatchMask(batch.HasLateral!, patches.shape[1]) : null;

        var global = ContrastiveLoss.InfoNce(imageEmbedding, textEmbedding, _config.Temperature, _config.DirectionReduction, progress.Global);

        var wordContext = TokenAlignmentLoss.Attend(words, patches, temperature, patchMask);
        var wordMask = _config.Mgca.LocalLossPadding == LocalLossPadding.Exclude ? text.WordMask : null;
        var wordWeights = word_weighting.forward(Autocast.Normalize(words * wordContext, dim: -1), wordMask);
        var local = TokenAlignmentLoss.Compute(words, patches, wordWeights, temperature, queryMask: wordMask, contextMask: patchMask);
        if (_config.Mgca.Bidirectional)
        {
            var patchContext = TokenAlignmentLoss.Attend(patches, words, temperature, text.WordMask);
            var patchWeights = patch_weighting.forward(Autocast.Normalize(patches * patchContext, dim: -1), patchMask);
            local = local + TokenAlignmentLoss.Compute(patches, words, patchWeights, temperature, queryMask: patchMask, contextMask: text.WordMask);
        }

        var sequenceItems = batch.SequenceItems / medst.SequenceLength * medst.SequenceLength;
        var temporal = TemporalCycleLoss.Compute(imageEmbedding[..sequenceItems], textEmbedding[..sequenceItems], medst.SequenceLength,
            medst.TemporalTemperature, medst.VarianceLambda, medst.HuberDelta);

        return LossTerms.Weighted(new Dictionary<string, Tensor>
        {
            ["global"] = medst.GlobalWeight == 1 ? global : global * medst.GlobalWeight,
            ["local"] = medst.LocalWeight == 1 ? local : local * medst.LocalWeight,
            ["temporal"] = medst.TemporalWeight == 1 ? temporal : temporal * medst.TemporalWeight,
        }, progress.LossWeights);
    }

    /// <summary>Single-view (frontal) embedding: zero-shot, retrieval and the MS-CXR-T image features.</summary>
    public Tensor EmbedImages(Tensor images) =>
        Autocast.Normalize(image_global.forward(image_encoder.forward(images).Pooled), dim: -1);

    public Tensor EmbedTexts(TextInput text) =>
        Autocast.Normalize(text_global.forward(text_encoder.forward(text).Global), dim: -1);

    /// <summary>
    /// <c>--init</c>: a MedST or MGCA (ViT) Lightning checkpoint (<c>img_encoder_q.model.*</c>, <c>text_encoder_q.model.*</c>,
    /// heads with BatchNorm buffers) through <see cref="MedstCheckpoint"/>; anything else strictly by name.
    /// </summary>
    public LoadReport Initialise(StateDict weights, string source) =>
        MedstCheckpoint.IsLightning(weights)
            ? MedstCheckpoint.Load(this, weights, source)
            : StateDictLoader.Load(this, weights, source: source);

    private static VisionTransformerConfig Vision(MedstModelConfig config) =>
        config.Image.Backbone.StartsWith("vit", StringComparison.OrdinalIgnoreCase)
            ? VisionTransformerConfig.Named(config.Image.Backbone) with { InputChannels = config.Image.InputChannels, ImageSize = config.Image.ImageSize }
            : throw new CxrVLException($"medst needs a ViT image encoder (model.image.backbone vit_t16, vit_s16 or vit_b16; got '{config.Image.Backbone}').");

    /// <summary>True for the frontal patches and for the lateral patches of studies that have a lateral image, [B, 2P].</summary>
    private static Tensor PatchMask(Tensor hasLateral, long tokens)
    {
        var n = hasLateral.shape[0];
        var perView = tokens / 2;
        return cat([ones(n, perView, dtype: ScalarType.Bool, device: hasLateral.device),
                    hasLateral.to(ScalarType.Bool).unsqueeze(1).expand(n, perView)], 1);
    }
}
