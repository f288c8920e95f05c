using CxrVL.Models;
using static TorchSharp.torch;

namespace CxrVL.Methods.Encoders;

/// <summary>
/// A ResNet or ViT backbone (child <c>backbone</c>, torchvision or timm names below it) that returns global and local
/// features: ResNet pooled features and the regions of one stage's map; ViT class token and patch tokens.
/// </summary>
public sealed class ImageEncoder : nn.Module<Tensor, ImageEncoding>
{
    private readonly nn.Module backbone;
    private readonly ImageEncoderConfig _config;
    private readonly IReadOnlyList<nn.Module> _frozen;

    public ImageEncoder(ImageEncoderConfig config) : base(nameof(ImageEncoder))
    {
        _config = config;
        var name = config.Backbone.ToLowerInvariant();
        if (name.StartsWith("resnet", StringComparison.Ordinal))
        {
            if (config.LocalStage is < 1 or > 4)
                throw new CxrVLException($"model.image.local_stage must be 1 to 4 (got {config.LocalStage}).");
            var resnet = new ResNet(ResNetFor(config));
            if (config.ChannelsLast)
                resnet.ToChannelsLast();
            GlobalDim = resnet.PooledDim;
            LocalDim = resnet.Config.BaseWidth * (1 << (config.LocalStage - 1)) * resnet.Config.Expansion;
            backbone = resnet;
        }
        else if (name.StartsWith("vit", StringComparison.Ordinal))
        {
            if (config.ChannelsLast)
                throw new CxrVLException("model.image.channels_last applies to ResNet backbones only; remove it for a ViT.");
            var vit = new VisionTransformer(VisionTransformerConfig.Named(name) with
            {
                InputChannels = config.InputChannels,
                ImageSize = config.ImageSize,
            });
            GlobalDim = LocalDim = vit.Config.EmbedDim;
            backbone = vit;
        }
        else
        {
            throw new CxrVLException($"unknown image backbone '{config.Backbone}': use resnet18, resnet50, resnet101, vit_t16, vit_s16 or vit_b16.");
        }
        RegisterComponents();
        _frozen = Freeze(config.FrozenStages);
    }

    /// <summary>The backbone's leading <paramref name="stages"/> without gradients (<see cref="ImageEncoderConfig.FrozenStages"/>).</summary>
    private List<nn.Module> Freeze(int stages)
    {
        if (stages == 0)
            return [];
        var (names, parameters) = backbone switch
        {
            ResNet when stages > 4 => throw new CxrVLException($"model.image.frozen_stages {stages} exceeds the ResNet's 4 stages."),
            ResNet => (new[] { "conv1", "bn1" }.Concat(Enumerable.Range(1, stages).Select(i => $"layer{i}")).ToList(), new List<string>()),
            VisionTransformer vit when stages > vit.Config.Depth =>
                throw new CxrVLException($"model.image.frozen_stages {stages} exceeds the ViT's {vit.Config.Depth} blocks."),
            _ => (new[] { "patch_embed" }.Concat(Enumerable.Range(0, stages).Select(i => $"blocks.{i}")).ToList(), ["cls_token", "pos_embed"]),
        };
        var modules = backbone.named_modules().Where(m => names.Contains(m.name)).Select(m => m.module).ToList();
        foreach (var parameter in modules.SelectMany(m => m.parameters())
                     .Concat(backbone.named_parameters().Where(p => parameters.Contains(p.name)).Select(p => p.parameter)))
            parameter.requires_grad = false;
        return modules;
    }

    /// <summary>Training mode everywhere but in the frozen stages, whose BatchNorm statistics must stay those of the initial weights.</summary>
    public override void train(bool on = true)
    {
        base.train(on);
        foreach (var module in _frozen)
            module.eval();
    }

    /// <summary>The ResNet a recipe names, with the blocks per stage its initial weights have (<see cref="ImageEncoderConfig.Layers"/>).</summary>
    public static ResNetConfig ResNetFor(ImageEncoderConfig config)
    {
        var resnet = ResNetConfig.Named(config.Backbone) with { InputChannels = config.InputChannels };
        return config.Layers.Count == 0 ? resnet : resnet with { BlocksPerStage = config.Layers };
    }

    public int GlobalDim { get; }

    public int LocalDim { get; }

    public nn.Module Backbone => backbone;

    public override ImageEncoding forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        ImageEncoding encoding;
        if (backbone is ResNet resnet)
        {
            var features = resnet.forward(images);
            var map = features.Maps[_config.LocalStage];
            encoding = new ImageEncoding(features.Pooled, map.flatten(2).transpose(1, 2));
        }
        else
        {
            var features = ((VisionTransformer)backbone).forward(images);
            encoding = new ImageEncoding(features.Pooled, features.Tokens[.., 1..]);
        }
        encoding.Global.MoveToOuterDisposeScope();
        encoding.Local.MoveToOuterDisposeScope();
        return encoding;
    }
}
