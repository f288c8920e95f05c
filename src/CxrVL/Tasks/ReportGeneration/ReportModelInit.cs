using CxrVL.Generation;
using CxrVL.Models;
using CxrVL.Runs;
using CxrVL.Tasks.Finetuning;
using CxrVL.Weights;
using static TorchSharp.torch;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>
/// Initial weights of a report generator: its visual extractor's own (<c>model.visual_extractor_init</c>: an ImageNet
/// ResNet file, a package weight or a <c>cxrvl pretrain</c> run's image encoder), or a whole released XProNet or R2Gen
/// model (<c>rrg train --init</c>) by the seeds' parameter names.
/// </summary>
public static class ReportModelInit
{
    /// <summary>Module path of the visual extractor's ResNet in both methods (torchvision names below it).</summary>
    public const string VisualBackbone = "visual_extractor.model";

    /// <summary>
    /// The seeds' names to ours. They keep their ResNet as <c>nn.Sequential(*list(resnet.children())[:-2])</c>, so their
    /// checkpoints number torchvision's children (0 conv1, 1 bn1, 4..7 layer1..layer4; 2 and 3 are the parameterless ReLU
    /// and max pool). XProNet's textual fusion is its Transformer's <c>fuse_feature</c> (ours
    /// <c>text_fuse_feature</c>), and its released code builds classifier heads and reductions its loss never uses
    /// (<c>img_cls_head</c>, <c>txt_cls_head</c>, <c>img_dim_reduction</c>, <c>txt_dim_reduction</c>), which are left out
    /// and listed in the log.
    /// </summary>
    public static KeyMap SeedKeyMap { get; } = KeyMap.Identity
        .RenamePrefix("encoder_decoder.model.fuse_feature.", "encoder_decoder.text_fuse_feature.")
        .DropPrefix("encoder_decoder.img_cls_head.")
        .DropPrefix("encoder_decoder.txt_cls_head.")
        .DropPrefix("encoder_decoder.img_dim_reduction.")
        .DropPrefix("encoder_decoder.txt_dim_reduction.")
        .Replace(@"^visual_extractor\.model\.0\.", "visual_extractor.model.conv1.")
        .Replace(@"^visual_extractor\.model\.1\.", "visual_extractor.model.bn1.")
        .Replace(@"^visual_extractor\.model\.4\.", "visual_extractor.model.layer1.")
        .Replace(@"^visual_extractor\.model\.5\.", "visual_extractor.model.layer2.")
        .Replace(@"^visual_extractor\.model\.6\.", "visual_extractor.model.layer3.")
        .Replace(@"^visual_extractor\.model\.7\.", "visual_extractor.model.layer4.");

    /// <summary>
    /// Reads <c>model.visual_extractor_init</c> (null when the recipe names none) and makes the recipe follow it: the
    /// ResNet's blocks per stage are the weights' (<c>model.visual_extractor_layers</c>), so the run's config.yaml
    /// rebuilds the same network. The caller copies the returned encoder into the model with <see cref="LoadVisualExtractor"/>.
    /// </summary>
    public static LoadedEncoder? ReadVisualExtractor(ReportModelConfig model, int seed)
    {
        if (model.VisualExtractorInit is not { } init)
            return null;
        var encoder = EncoderLoader.Load(new FinetuneEncoderConfig { Source = init, Backbone = model.VisualExtractor }, CPU, seed,
                                        "model.visual_extractor", "model.visual_extractor_init");
        if (encoder.Module is not ResNet resnet)
            throw new CxrVLException($"model.visual_extractor_init '{init}' holds a {encoder.Backbone}; the visual extractor is a ResNet (model.visual_extractor: resnet18, resnet50 or resnet101).");
        var named = ResNetConfig.Named(model.VisualExtractor);
        if (resnet.Config.Bottleneck != named.Bottleneck)
            throw new CxrVLException($"model.visual_extractor_init '{init}' holds a {encoder.Backbone}, but model.visual_extractor is '{model.VisualExtractor}': set model.visual_extractor to {encoder.Backbone}.");
        model.VisualExtractorLayers = resnet.Config.BlocksPerStage.SequenceEqual(named.BlocksPerStage) ? [] : [.. resnet.Config.BlocksPerStage];
        return encoder;
    }

    /// <summary>Copies <paramref name="encoder"/> (from <see cref="ReadVisualExtractor"/>) into the model's visual extractor, strictly.</summary>
    public static string LoadVisualExtractor(IReportModel model, LoadedEncoder encoder, string init)
    {
        var target = model.Model.named_modules().First(m => m.name == VisualBackbone).module;
        using var state = StateDict.Borrow(encoder.Module);
        var report = StateDictLoader.Load(target, state, source: $"{init} (model.visual_extractor_init)");
        return $"visual extractor: {encoder.Description}";
    }

    /// <summary>
    /// Loads a whole released XProNet or R2Gen model (their <c>{"state_dict": ...}</c> checkpoints, or a CxrVL run's) by
    /// name, strictly: the seeds' numbered visual extractor is mapped to torchvision names, and only CxrVL's image
    /// classifier (<c>label_head</c>, which the seeds lack) may start new. The word vocabulary must be the one the model
    /// was trained with.
    /// </summary>
    public static LoadReport LoadModel(IReportModel model, string path, int vocabulary, RunLog log)
    {
        using var weights = CheckpointReader.Read(path);
        const string logit = "encoder_decoder.logit.weight";
        if (weights.TryGetValue(logit, out var words) && words.shape[0] != vocabulary)
            throw new CxrVLException($"--init '{path}' predicts {words.shape[0] - 1} words ({logit} has {words.shape[0]} rows), but the vocabulary built from this " +
                                     $"data has {vocabulary - 1}: train on the data the model was trained on with its vocabulary threshold (data.vocab_threshold), " +
                                     "or start from the visual extractor alone (--set model.visual_extractor_init=FILE).");
        var report = StateDictLoader.Load(model.Model, weights, SeedKeyMap, allowMissing: ["label_head."], source: $"{path} (--init)");
        log.Info($"initialised from {path}: {report.Loaded.Count} tensors" +
                 (report.Dropped.Count > 0 ? $"; not used: {string.Join(", ", report.Dropped)}" : "") +
                 (report.AllowedMissing.Count > 0 ? $"; new: {string.Join(", ", report.AllowedMissing)}" : ""));
        return report;
    }
}
