using CxrVL.Precision;
using CxrVL.Models.Layers;
using CxrVL.Generation;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Methods.XProNet;

/// <summary>
/// XProNet's encoder-decoder (<c>encoder_decoder.*</c> in the seed's checkpoints): the visual projection
/// <c>att_embed</c>, the cross-modal prototype matrix <c>protypes</c> [classes x prototypes, d_img + d_txt] projected by
/// <c>dim_reduction</c>, the shared memory <c>cmn</c> queried by visual features (fused by <c>fuse_feature</c>) and by
/// word embeddings (fused by <c>text_fuse_feature</c>), the transformer <c>model</c> and the word classifier <c>logit</c>.
/// </summary>
public sealed class XProNetEncoderDecoder : nn.Module
{
    private readonly Sequential att_embed;
    private readonly Parameter protypes;
    private readonly AutocastLinear dim_reduction;
    private readonly CrossModalMemory cmn;
    private readonly AutocastLinear fuse_feature;
    private readonly AutocastLinear text_fuse_feature;
    private readonly ReportTransformer model;
    private readonly AutocastLinear logit;
    private readonly XProNetConfig _config;

    public XProNetEncoderDecoder(XProNetConfig config, int imageDim, long vocabulary) : base(nameof(XProNetEncoderDecoder))
    {
        _config = config;
        att_embed = nn.Sequential(("0", new AutocastLinear(imageDim, config.DModel)), ("1", nn.ReLU()), ("2", nn.Dropout(config.DropProbLm)));
        protypes = nn.Parameter(empty(config.NumClasses * config.NumPrototypes, imageDim + config.DTxt));
        dim_reduction = new AutocastLinear(imageDim + config.DTxt, config.DModel);
        cmn = new CrossModalMemory(config.NumHeads, config.DModel, config.Topk, config.Dropout);
        fuse_feature = new AutocastLinear(2 * config.DModel, config.DModel);
        text_fuse_feature = new AutocastLinear(2 * config.DModel, config.DModel);
        model = new ReportTransformer(config, vocabulary);
        logit = new AutocastLinear(config.DModel, vocabulary);
        RegisterComponents();
        using var noGrad = no_grad();
        nn.init.normal_(protypes, 0, 0.02);
    }

    public Parameter Prototypes => protypes;

    /// <summary>
    /// Each sample's query matrix: the prototypes of its positive classes side by side [B, M·P, D] (M = the largest number
    /// of positive classes in the batch), with a mask [B, M·P] that is false on the padding.
    /// </summary>
    public (Tensor Queries, Tensor Mask) QueryMatrix(Tensor labels)
    {
        using var scope = NewDisposeScope();
        var (classes, perClass) = (_config.NumClasses, _config.NumPrototypes);
        if (labels.shape[1] != classes)
            throw new CxrVLException($"labels have {labels.shape[1]} classes; model.num_classes is {classes}.");
        var projected = dim_reduction.forward(protypes).view(classes, perClass, -1);
        var positive = labels.gt(0.5);
        var most = Math.Max(1, (int)positive.sum(1).max().item<long>());
        var order = positive.to_type(ScalarType.Int32).sort(dim: 1, descending: true, stable: true).Indices[.., ..most];
        var queries = projected.index_select(0, order.flatten()).view(labels.shape[0], most * perClass, -1);
        var mask = positive.gather(1, order).repeat_interleave(perClass, dim: 1);
        return (queries.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope());
    }

    /// <summary>Visual side: projected patches query the prototypes; returns the encoder memory and the visual responses.</summary>
    public (Tensor Memory, Tensor Responses) Encode(Tensor patches, Tensor patchMask, Tensor queries, Tensor queryMask)
    {
        using var scope = NewDisposeScope();
        var features = att_embed.forward(patches);
        var responses = cmn.forward(features, queries, queryMask);
        var fused = fuse_feature.forward(cat([features, responses], 2));
        var memory = model.Encode(fused, patchMask.unsqueeze(1));
        return (memory.MoveToOuterDisposeScope(), responses.MoveToOuterDisposeScope());
    }

    /// <summary>Textual side and decoder: log-probabilities [B, T, V] of the word after each position, and the text responses.</summary>
    public (Tensor LogProbs, Tensor Responses) Decode(Tensor inputs, Tensor memory, Tensor patchMask, Tensor queries, Tensor queryMask)
    {
        using var scope = NewDisposeScope();
        var embedded = model.EmbedTargets(inputs);
        var responses = cmn.forward(embedded, queries, queryMask);
        var fused = text_fuse_feature.forward(cat([embedded, responses], 2));
        var output = model.Decode(fused, memory, patchMask.unsqueeze(1), ReportTransformer.TargetMask(inputs));
        var logProbs = Autocast.LogSoftmax(logit.forward(output), -1);
        return (logProbs.MoveToOuterDisposeScope(), responses.MoveToOuterDisposeScope());
    }
}
