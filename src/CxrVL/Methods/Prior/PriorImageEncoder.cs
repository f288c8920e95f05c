using CxrVL.Methods.Encoders;
using CxrVL.Models;
using static TorchSharp.torch;

namespace CxrVL.Methods.Prior;

/// <summary>
/// PRIOR's image encoder (<c>image_encoder.</c>): a torchvision ResNet without <c>fc</c> as <c>encoder</c> and CLIP's
/// attention pooling of its last map as <c>atten_pool</c>. Local tokens are the last map's positions, [B, HW, C].
/// </summary>
public sealed class PriorImageEncoder : nn.Module<Tensor, ImageEncoding>
{
    private readonly ResNet encoder;
    private readonly AttentionPool2d atten_pool;
    private bool _legacyTokens;

    public PriorImageEncoder(ImageEncoderConfig image, PriorConfig prior) : base(nameof(PriorImageEncoder))
    {
        if (!image.Backbone.StartsWith("resnet", StringComparison.OrdinalIgnoreCase))
            throw new CxrVLException($"PRIOR's image encoder is a ResNet (model.image.backbone: resnet50); got '{image.Backbone}'.");
        if (image.ImageSize % 32 != 0)
            throw new CxrVLException($"model.image.image_size must be a multiple of 32 for PRIOR's decoder (got {image.ImageSize}).");
        encoder = new ResNet(ImageEncoder.ResNetFor(image));
        MapSize = image.ImageSize / 32;
        Width = encoder.Config.FeatureChannels;
        atten_pool = new AttentionPool2d(Width, new AttentionPoolConfig { SpatialSize = MapSize, Heads = prior.PoolHeads });
        _legacyTokens = prior.LegacyChannelMajorTokens ?? false;
        RegisterComponents();
    }

    /// <summary>Channels of the last map (2048 for ResNet-50).</summary>
    public int Width { get; }

    /// <summary>Side of the last map (7 at 224 px).</summary>
    public int MapSize { get; }

    public ResNet Backbone => encoder;

    /// <summary>Whether local tokens are PRIOR's raw view of the map (<see cref="PriorConfig.LegacyChannelMajorTokens"/>); set when its released weights load.</summary>
    public bool LegacyTokens
    {
        get => _legacyTokens;
        internal set => _legacyTokens = value;
    }

    /// <summary>Images [B, C, H, W] -> attention-pooled global features [B, Width] and local tokens [B, HW, Width].</summary>
    public override ImageEncoding forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var map = encoder.forward(images).Last;
        var global = atten_pool.forward(map);
        var tokens = _legacyTokens ? map.reshape(map.shape[0], -1, map.shape[1]) : map.flatten(2).transpose(1, 2);
        return new ImageEncoding(global.MoveToOuterDisposeScope(), tokens.MoveToOuterDisposeScope());
    }

    /// <summary>Tokens [B, HW, D] back to a map [B, D, H, W], the inverse of the token layout in use.</summary>
    public Tensor ToMap(Tensor tokens)
    {
        var (batch, dim) = (tokens.shape[0], tokens.shape[2]);
        return _legacyTokens
            ? tokens.reshape(batch, dim, MapSize, MapSize)
            : tokens.transpose(1, 2).reshape(batch, dim, MapSize, MapSize);
    }
}
