using static TorchSharp.torch;

namespace CxrVL.Models.Downstream;

/// <summary>
/// What downstream heads read from a <see cref="ResNet"/> or <see cref="VisionTransformer"/> encoder: pooled features,
/// and the maps of a feature pyramid (ResNet: stem and layer1..layer4; ViT: the tokens of chosen blocks as maps).
/// </summary>
public sealed class EncoderFeatures(nn.Module encoder, IReadOnlyList<int> vitBlocks)
{
    public nn.Module Encoder => encoder;

    public bool IsVit => encoder is VisionTransformer;

    /// <summary>Width of <see cref="Pooled"/>.</summary>
    public int PooledDim => encoder switch
    {
        ResNet resnet => resnet.PooledDim,
        VisionTransformer vit => vit.Config.EmbedDim,
        _ => throw new CxrVLException($"unsupported encoder {encoder.GetType().Name}."),
    };

    /// <summary>Channels of the <see cref="Maps"/>, finest first.</summary>
    public IReadOnlyList<int> MapChannels => encoder switch
    {
        ResNet resnet => [resnet.Config.BaseWidth, .. Enumerable.Range(0, 4).Select(s => resnet.Config.BaseWidth * (1 << s) * resnet.Config.Expansion)],
        VisionTransformer vit => vitBlocks.Select(_ => vit.Config.EmbedDim).ToList(),
        _ => throw new CxrVLException($"unsupported encoder {encoder.GetType().Name}."),
    };

    /// <summary>Stride of each map relative to the input (ResNet: 2, 4, 8, 16, 32; ViT: the patch size).</summary>
    public IReadOnlyList<int> MapStrides => encoder switch
    {
        ResNet => [2, 4, 8, 16, 32],
        VisionTransformer vit => vitBlocks.Select(_ => vit.Config.PatchSize).ToList(),
        _ => throw new CxrVLException($"unsupported encoder {encoder.GetType().Name}."),
    };

    public Tensor Pooled(Tensor images) => encoder switch
    {
        ResNet resnet => Keep(resnet.forward(images), f => f.Pooled),
        VisionTransformer vit => Keep(vit.forward(images), f => f.Pooled),
        _ => throw new CxrVLException($"unsupported encoder {encoder.GetType().Name}."),
    };

    public IReadOnlyList<Tensor> Maps(Tensor images)
    {
        if (encoder is VisionTransformer vit)
            return vit.ForwardBlocks(images, vitBlocks);
        var features = ((ResNet)encoder).forward(images);
        features.Pooled.Dispose();
        features.Logits?.Dispose();
        return features.Maps;
    }

    private static Tensor Keep(ResNetFeatures features, Func<ResNetFeatures, Tensor> pick)
    {
        var kept = pick(features);
        foreach (var tensor in features.Maps.Append(features.Pooled).Append(features.Logits))
        {
            if (tensor is not null && !ReferenceEquals(tensor, kept))
                tensor.Dispose();
        }
        return kept;
    }

    private static Tensor Keep(VitFeatures features, Func<VitFeatures, Tensor> pick)
    {
        var kept = pick(features);
        foreach (var tensor in new[] { features.Tokens, features.Pooled, features.Logits })
        {
            if (tensor is not null && !ReferenceEquals(tensor, kept))
                tensor.Dispose();
        }
        return kept;
    }
}
