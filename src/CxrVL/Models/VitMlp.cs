using CxrVL.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>timm's <c>Mlp</c>: <c>fc1</c>, exact GELU, <c>fc2</c>.</summary>
internal sealed class VitMlp : nn.Module<Tensor, Tensor>
{
    private readonly AutocastLinear fc1;
    private readonly AutocastLinear fc2;
    private readonly Dropout drop;

    public VitMlp(VisionTransformerConfig config) : base(nameof(VitMlp))
    {
        fc1 = new AutocastLinear(config.EmbedDim, config.MlpHiddenDim);
        fc2 = new AutocastLinear(config.MlpHiddenDim, config.EmbedDim);
        drop = nn.Dropout(config.DropRate);
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var hidden = drop.forward(nn.functional.gelu(fc1.forward(tokens)));
        return drop.forward(fc2.forward(hidden)).MoveToOuterDisposeScope();
    }
}
