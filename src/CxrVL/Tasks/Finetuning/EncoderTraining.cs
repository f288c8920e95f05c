using CxrVL.Models;
using CxrVL.Models.Downstream;
using CxrVL.Training.Optimizers;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Finetuning;

/// <summary>
/// How a downstream model's encoder (registered as <c>encoder</c>) trains: frozen and in evaluation mode for a linear
/// probe (features computed without gradients), or fine-tuned with optional frozen leading stages and layer-wise lr
/// decay over its layers (ResNet: stem 0, layer1..layer4 1..4; ViT: embeddings 0, block N N + 1; heads last).
/// </summary>
public sealed class EncoderTraining(EncoderFeatures features, FinetuneMode mode, int frozenStages)
{
    public const string Prefix = "encoder.";

    public EncoderFeatures Features => features;

    public bool Linear => mode == FinetuneMode.Linear;

    public int LayerCount => features.Encoder switch
    {
        VisionTransformer vit => vit.Config.Depth,
        _ => 4,
    };

    /// <summary>Parameter-name prefixes the optimizer must not train.</summary>
    public IReadOnlyList<string> FrozenPrefixes()
    {
        if (Linear)
            return [Prefix];
        if (frozenStages <= 0)
            return [];
        if (features.Encoder is VisionTransformer vit)
        {
            if (frozenStages > vit.Config.Depth)
                throw new CxrVLException($"encoder.frozen_stages {frozenStages} exceeds the ViT's {vit.Config.Depth} blocks.");
            return [$"{Prefix}patch_embed.", $"{Prefix}cls_token", $"{Prefix}pos_embed", .. Enumerable.Range(0, frozenStages).Select(i => $"{Prefix}blocks.{i}.")];
        }
        if (frozenStages > 4)
            throw new CxrVLException($"encoder.frozen_stages {frozenStages} exceeds the ResNet's 4 stages.");
        return [$"{Prefix}conv1.", $"{Prefix}bn1.", .. Enumerable.Range(1, frozenStages).Select(i => $"{Prefix}layer{i}.")];
    }

    public int LayerId(string name)
    {
        if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            return LayerCount + 1;
        var inner = name[Prefix.Length..];
        if (features.Encoder is VisionTransformer)
            return OptimizerFactory.TransformerLayerId(inner, LayerCount);
        for (var stage = 1; stage <= 4; stage++)
        {
            if (inner.StartsWith($"layer{stage}.", StringComparison.Ordinal))
                return stage;
        }
        return inner.StartsWith("conv1.", StringComparison.Ordinal) || inner.StartsWith("bn1.", StringComparison.Ordinal) ? 0 : LayerCount + 1;
    }

    /// <summary>Runs <paramref name="forward"/> on the encoder; a linear probe keeps it in evaluation mode and without gradients.</summary>
    public T Run<T>(Func<EncoderFeatures, T> forward)
    {
        if (!Linear)
            return forward(features);
        features.Encoder.eval();
        using var noGrad = no_grad();
        return forward(features);
    }
}
