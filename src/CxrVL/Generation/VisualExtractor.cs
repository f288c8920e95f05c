using CxrVL.Models;
using static TorchSharp.torch;

namespace CxrVL.Generation;

/// <summary>
/// The seeds' visual extractor: a ResNet (torchvision names under <c>model</c>) whose last stage gives patch features and
/// their average; several views of a study go through the same network and are placed side by side.
/// </summary>
public sealed class VisualExtractor : nn.Module
{
    private readonly ResNet model;
    private readonly bool _frozen;

    /// <param name="layers">blocks per stage when they differ from the backbone's own (<c>model.visual_extractor_layers</c>)</param>
    /// <param name="frozen">no gradients and evaluation mode throughout (<c>model.visual_extractor_frozen</c>)</param>
    public VisualExtractor(string backbone, IReadOnlyList<int>? layers = null, bool frozen = false) : base(nameof(VisualExtractor))
    {
        model = new ResNet(ResNetFor(backbone, layers));
        FeatureDim = model.PooledDim;
        RegisterComponents();
        _frozen = frozen;
        if (frozen)
        {
            foreach (var parameter in parameters())
                parameter.requires_grad = false;
        }
    }

    /// <summary>The ResNet of <c>model.visual_extractor</c> with <c>model.visual_extractor_layers</c> blocks per stage when given.</summary>
    public static ResNetConfig ResNetFor(string backbone, IReadOnlyList<int>? layers)
    {
        if (!backbone.StartsWith("resnet", StringComparison.OrdinalIgnoreCase))
            throw new CxrVLException($"model.visual_extractor '{backbone}' is not supported: use resnet18, resnet50 or resnet101.");
        var resnet = ResNetConfig.Named(backbone);
        return layers is { Count: > 0 } ? resnet with { BlocksPerStage = layers } : resnet;
    }

    /// <summary>A frozen extractor stays in evaluation mode, so its BatchNorm statistics stay those of its initial weights.</summary>
    public override void train(bool on = true)
    {
        base.train(on && !_frozen);
    }

    /// <summary>The ResNet (torchvision names), which <c>model.visual_extractor_init</c> fills.</summary>
    public ResNet Backbone => model;

    /// <summary>Width of one view's feature (2048 for ResNet-50/101).</summary>
    public int FeatureDim { get; }

    public VisualFeatures forward(Tensor images, Tensor? present)
    {
        using var scope = NewDisposeScope();
        var single = images.dim() == 4;
        var (b, s) = (images.shape[0], single ? 1 : images.shape[1]);
        var flat = single ? images : images.flatten(0, 1);
        ResNetFeatures features;
        using (var gradients = set_grad_enabled(!_frozen && is_grad_enabled()))
            features = model.forward(flat);
        var patches = features.Last.flatten(2).transpose(1, 2);
        var p = patches.shape[1];
        var viewPresent = present?.to_type(ScalarType.Bool) ?? ones(b, s, ScalarType.Bool, device: images.device);
        var pooled = features.Pooled.view(b, s, -1) * viewPresent.unsqueeze(-1);
        var mean = pooled.sum(1) / viewPresent.sum(1, keepdim: true).clamp_min(1);
        var result = new VisualFeatures(
            patches.reshape(b, s * p, -1),
            viewPresent.unsqueeze(-1).expand(b, s, p).reshape(b, s * p),
            pooled.reshape(b, -1),
            mean);
        foreach (var t in new[] { result.Patches, result.PatchMask, result.Concatenated, result.Mean })
            t.MoveToOuterDisposeScope();
        return result;
    }
}
