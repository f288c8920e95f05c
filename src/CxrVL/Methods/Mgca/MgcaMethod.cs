using CxrVL.Precision;
using CxrVL.Models.Layers;
using CxrVL.Methods.Alignment;
using CxrVL.Methods.Encoders;
using CxrVL.Models;
using CxrVL.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Methods.Mgca;

/// <summary>
/// MGCA: instance-wise alignment (InfoNCE on BatchNorm-projected global embeddings), cross-attention token-wise
/// alignment of words and patches (words weighted by BERT's clipped [CLS] attention, patches uniformly), and
/// prototype-level alignment with Sinkhorn-Knopp codes over learned, l2-normalised prototypes.
/// </summary>
public sealed class MgcaMethod : nn.Module, IPretrainingMethod, ILocalAttentionModel
{
    private readonly ImageEncoder image_encoder;
    private readonly TextEncoder text_encoder;
    private readonly BatchNormProjection image_global;
    private readonly BatchNormProjection image_local;
    private readonly BatchNormProjection text_global;
    private readonly BatchNormProjection text_local;
    private readonly AutocastLinear prototype_layer;
    private readonly MgcaModelConfig _config;

    public MgcaMethod(MgcaModelConfig config, BertConfig text) : base(nameof(MgcaMethod))
    {
        _config = config;
        var (hidden, dim) = (config.Mgca.HiddenDim, config.EmbedDim);
        image_encoder = new ImageEncoder(config.Image);
        text_encoder = new TextEncoder(text, config.Text.Pooling);
        image_global = new BatchNormProjection(image_encoder.GlobalDim, hidden, dim);
        image_local = new BatchNormProjection(image_encoder.LocalDim, hidden, dim);
        text_global = new BatchNormProjection(text_encoder.Dim, hidden, dim);
        text_local = new BatchNormProjection(text_encoder.Dim, hidden, dim);
        prototype_layer = new AutocastLinear(dim, config.Mgca.Prototypes, hasBias: false);
        RegisterComponents();
    }

    /// <summary>mgca's registration (see <c>PretrainingMethods</c>).</summary>
    public static PretrainingMethodDescriptor Descriptor { get; } =
        PretrainingMethodDescriptor.For<MgcaModelConfig>((model, text) => new MgcaMethod(model, text), defaultImageRecipe: "mgca",
            defaultReportCleaner: "mgca");

    public nn.Module Model => this;

    public LossTerms Loss(AlignmentBatch batch, TrainingProgress progress)
    {
        var mgca = _config.Mgca;
        var image = image_encoder.forward(batch.Images);
        var text = text_encoder.forward(batch.Text);
        var imageEmbedding = Autocast.Normalize(image_global.forward(image.Global), dim: -1);
        var textEmbedding = Autocast.Normalize(text_global.forward(text.Global), dim: -1);
        var patches = Autocast.Normalize(image_local.forward(image.Local), dim: -1);
        var words = Autocast.Normalize(text_local.forward(text.Words), dim: -1);

        var instance = ContrastiveLoss.InfoNce(imageEmbedding, textEmbedding, _config.Temperature, _config.DirectionReduction, progress.Global);

        var wordWeights = TokenAlignmentLoss.ClippedAttentionWeights(text.WordAttention, text.WordMask);
        var queryMask = mgca.LocalLossPadding == LocalLossPadding.Exclude ? text.WordMask : null;
        var token = TokenAlignmentLoss.Compute(words, patches, wordWeights, mgca.LocalTemperature, queryMask: queryMask);
        if (mgca.Bidirectional)
        {
            var patchWeights = full([patches.shape[0], patches.shape[1]], 1.0 / patches.shape[1], patches.dtype, patches.device);
            var patchSide = TokenAlignmentLoss.Compute(patches, words, patchWeights, mgca.LocalTemperature, contextMask: text.WordMask);
            token = token + patchSide;
        }

        // MGCA renormalises the prototypes before every use and keeps them fixed for the first epochs.
        using (no_grad())
            prototype_layer.weight!.copy_(nn.functional.normalize(prototype_layer.weight!, dim: 1));
        var prototypes = progress.Epoch < mgca.FreezePrototypesEpochs ? prototype_layer.weight!.detach() : prototype_layer.weight!;
        // The prototype scores feed a loss (Sinkhorn and a cross-entropy): float32, under autocast too.
        var prototype = PrototypeAlignmentLoss.Compute(Autocast.Float32(imageEmbedding).matmul(prototypes.t()), Autocast.Float32(textEmbedding).matmul(prototypes.t()),
            mgca.Epsilon, mgca.SinkhornIterations, mgca.PrototypeTemperature, progress.Global);

        return LossTerms.Weighted(new Dictionary<string, Tensor>
        {
            ["instance"] = instance,
            ["token"] = token,
            ["prototype"] = prototype,
        }, progress.LossWeights);
    }

    /// <summary>The token alignment's word-to-patch cross-attention (softmax over patches at the local temperature), averaged over words.</summary>
    public Tensor RegionAttention(AlignmentBatch batch)
    {
        using var scope = NewDisposeScope();
        var patches = Autocast.Normalize(image_local.forward(image_encoder.forward(batch.Images).Local), dim: -1);
        var text = text_encoder.forward(batch.Text);
        var words = Autocast.Normalize(text_local.forward(text.Words), dim: -1);
        var attention = Autocast.Softmax(Autocast.MatMul(words, patches.transpose(1, 2)) / _config.Mgca.LocalTemperature, -1);
        return WordAttention.MeanOverWords(attention, text.WordMask).MoveToOuterDisposeScope();
    }

    public Tensor EmbedImages(Tensor images) =>
        Autocast.Normalize(image_global.forward(image_encoder.forward(images).Global), dim: -1);

    public Tensor EmbedTexts(TextInput text) =>
        Autocast.Normalize(text_global.forward(text_encoder.forward(text).Global), dim: -1);
}
