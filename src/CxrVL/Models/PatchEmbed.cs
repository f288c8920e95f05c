using CxrVL.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>timm's <c>PatchEmbed</c>: a strided convolution <c>proj</c>, then the grid flattened row-major to tokens.</summary>
internal sealed class PatchEmbed : nn.Module<Tensor, Tensor>
{
    private readonly AutocastConv2d proj;

    public PatchEmbed(VisionTransformerConfig config) : base(nameof(PatchEmbed))
    {
        proj = new AutocastConv2d(config.InputChannels, config.EmbedDim, config.PatchSize, stride: config.PatchSize);
        RegisterComponents();
    }

    public AutocastConv2d Projection => proj;

    /// <summary>[N, C, H, W] -> [N, (H/p)·(W/p), D].</summary>
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        return proj.forward(images).flatten(2).transpose(1, 2).MoveToOuterDisposeScope();
    }
}
