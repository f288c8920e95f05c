using CxrVL.Generation;
using CxrVL.Generation.Decoding;
using CxrVL.Methods.XProNet;
using CxrVL.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Methods.R2Gen;

/// <summary>
/// R2Gen (EMNLP 2020), the <c>r2gen</c> baseline: the same visual extractor and transformer, no positions on the visual
/// features, and a relational memory (<c>encoder_decoder.rm</c>) over the word embeddings that conditions every decoder
/// sublayer norm. Loss = word cross-entropy only.
/// </summary>
public sealed class R2GenModel : nn.Module, IReportModel
{
    private readonly VisualExtractor visual_extractor;
    private readonly R2GenEncoderDecoder encoder_decoder;

    public R2GenModel(R2GenConfig config, long vocabulary) : base(nameof(R2GenModel))
    {
        if (config.RmDModel != config.DModel)
            throw new CxrVLException($"model.rm_d_model ({config.RmDModel}) must equal model.d_model ({config.DModel}) for R2Gen.");
        visual_extractor = new VisualExtractor(config.VisualExtractor, config.VisualExtractorLayers, config.VisualExtractorFrozen);
        encoder_decoder = new R2GenEncoderDecoder(config, visual_extractor.FeatureDim, vocabulary);
        RegisterComponents();
    }

    public nn.Module Model => this;

    public LossTerms Loss(ReportBatch batch, TrainingProgress progress)
    {
        var visual = visual_extractor.forward(batch.Images, batch.ImagePresent);
        var memory = encoder_decoder.Encode(visual.Patches, visual.PatchMask);
        var logProbs = encoder_decoder.Decode(batch.Targets[.., ..^1], memory, visual.PatchMask);
        var terms = new Dictionary<string, Tensor> { ["ce"] = XProNetModel.WordLoss(logProbs, batch.Targets, batch.TargetMask) };
        return LossTerms.Weighted(terms, progress.LossWeights);
    }

    public IDecodingContext Encode(Tensor images, Tensor? present, Tensor? labels)
    {
        using var scope = NewDisposeScope();
        var visual = visual_extractor.forward(images, present);
        var memory = encoder_decoder.Encode(visual.Patches, visual.PatchMask).MoveToOuterDisposeScope();
        var mask = visual.PatchMask.MoveToOuterDisposeScope();
        return new R2GenDecodingContext(encoder_decoder, memory, mask);
    }

    public Tensor PooledFeatures(Tensor images, Tensor? present)
    {
        using var scope = NewDisposeScope();
        return visual_extractor.forward(images, present).Mean.MoveToOuterDisposeScope();
    }
}
