using CxrVL.Precision;
using CxrVL.Models.Layers;
using CxrVL.Generation;
using CxrVL.Generation.Decoding;
using CxrVL.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Methods.XProNet;

/// <summary>
/// XProNet (ECCV 2022): a ResNet visual extractor, the cross-modal prototype encoder-decoder, and an image classifier
/// (<c>label_head</c>, on detached pooled features) whose labels select the prototypes when no labels are given at test
/// time. Loss = word cross-entropy + img_con_weight x visual + txt_con_weight x textual multi-label contrastive loss
/// (+ label_weight x the classifier's BCE).
/// </summary>
public sealed class XProNetModel : nn.Module, IReportModel
{
    private readonly VisualExtractor visual_extractor;
    private readonly XProNetEncoderDecoder encoder_decoder;
    private readonly AutocastLinear label_head;
    private readonly XProNetConfig _config;

    public XProNetModel(XProNetConfig config, long vocabulary, int views) : base(nameof(XProNetModel))
    {
        _config = config;
        visual_extractor = new VisualExtractor(config.VisualExtractor, config.VisualExtractorLayers, config.VisualExtractorFrozen);
        encoder_decoder = new XProNetEncoderDecoder(config, visual_extractor.FeatureDim, vocabulary);
        label_head = new AutocastLinear(visual_extractor.FeatureDim * views, config.NumClasses);
        RegisterComponents();
    }

    public nn.Module Model => this;

    /// <summary>The model section it was built from (its prototypes' shape and initialisation).</summary>
    public XProNetConfig Config => _config;

    public int ImageFeatureDim => visual_extractor.FeatureDim;

    public Parameter Prototypes => encoder_decoder.Prototypes;

    public LossTerms Loss(ReportBatch batch, TrainingProgress progress)
    {
        var visual = visual_extractor.forward(batch.Images, batch.ImagePresent);
        var (queries, queryMask) = encoder_decoder.QueryMatrix(batch.Labels);
        var (memory, imageResponses) = encoder_decoder.Encode(visual.Patches, visual.PatchMask, queries, queryMask);
        var inputs = batch.Targets[.., ..^1];
        var (logProbs, textResponses) = encoder_decoder.Decode(inputs, memory, visual.PatchMask, queries, queryMask);

        var terms = new Dictionary<string, Tensor>
        {
            ["ce"] = WordLoss(logProbs, batch.Targets, batch.TargetMask),
            ["img_con"] = MultiLabelContrastiveLoss.Compute(ResponseMean(imageResponses, visual.PatchMask, _config.ConMeanOverPadding), batch.Labels,
                                                             _config.ImgConMargin, _config.ConAlpha),
            ["txt_con"] = MultiLabelContrastiveLoss.Compute(ResponseMean(textResponses, batch.TargetMask[.., ..^1], _config.ConMeanOverPadding), batch.Labels,
                                                             _config.TxtConMargin, _config.ConAlpha),
            ["labels"] = nn.functional.binary_cross_entropy_with_logits(Autocast.Float32(label_head.forward(visual.Concatenated.detach())), batch.Labels),
        };
        var weights = new Dictionary<string, double>
        {
            ["img_con"] = _config.ImgConWeight,
            ["txt_con"] = _config.TxtConWeight,
            ["labels"] = _config.LabelWeight,
        };
        foreach (var (name, weight) in progress.LossWeights)
            weights[name] = weight;
        return LossTerms.Weighted(terms, weights);
    }

    public IDecodingContext Encode(Tensor images, Tensor? present, Tensor? labels)
    {
        using var scope = NewDisposeScope();
        var visual = visual_extractor.forward(images, present);
        var selected = labels ?? ReportLabels.FromProbabilities(label_head.forward(visual.Concatenated).sigmoid());
        var (queries, queryMask) = encoder_decoder.QueryMatrix(selected);
        var (memory, _) = encoder_decoder.Encode(visual.Patches, visual.PatchMask, queries, queryMask);
        var context = new XProNetDecodingContext(encoder_decoder, memory, visual.PatchMask, queries, queryMask);
        context.MoveToOuterDisposeScope();
        return context;
    }

    /// <summary>Labels the image classifier predicts [B, K].</summary>
    public Tensor PredictLabels(Tensor images, Tensor? present)
    {
        using var scope = NewDisposeScope();
        var visual = visual_extractor.forward(images, present);
        return ReportLabels.FromProbabilities(label_head.forward(visual.Concatenated).sigmoid()).MoveToOuterDisposeScope();
    }

    public Tensor PooledFeatures(Tensor images, Tensor? present)
    {
        using var scope = NewDisposeScope();
        return visual_extractor.forward(images, present).Mean.MoveToOuterDisposeScope();
    }

    /// <summary>Word cross-entropy of teacher-forced log-probabilities [B, T-1, V] against targets[:, 1:], over the target mask.</summary>
    public static Tensor WordLoss(Tensor logProbs, Tensor targets, Tensor targetMask)
    {
        using var scope = NewDisposeScope();
        var gold = targets[.., 1..];
        var mask = targetMask[.., 1..].to_type(logProbs.dtype);
        var picked = logProbs.gather(2, gold.unsqueeze(2)).squeeze(2);
        return (-(picked * mask).sum() / mask.sum().clamp_min(1)).MoveToOuterDisposeScope();
    }

    /// <summary>Mean of responses [B, N, D] over N: the positions the mask [B, N] keeps, or every position (<paramref name="overPadding"/>).</summary>
    internal static Tensor ResponseMean(Tensor values, Tensor mask, bool overPadding)
    {
        if (overPadding)
            return values.mean([1]);
        using var scope = NewDisposeScope();
        var weights = mask.to_type(values.dtype).unsqueeze(-1);
        return ((values * weights).sum(1) / weights.sum(1).clamp_min(1)).MoveToOuterDisposeScope();
    }
}
