using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>timm's pre-norm transformer <c>Block</c>: x + attn(norm1(x)), then x + mlp(norm2(x)).</summary>
internal sealed class VitBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly VitAttention attn;
    private readonly LayerNorm norm2;
    private readonly VitMlp mlp;

    public VitBlock(VisionTransformerConfig config) : base(nameof(VitBlock))
    {
        norm1 = nn.LayerNorm(config.EmbedDim, config.LayerNormEps);
        attn = new VitAttention(config);
        norm2 = nn.LayerNorm(config.EmbedDim, config.LayerNormEps);
        mlp = new VitMlp(config);
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var x = tokens + attn.forward(norm1.forward(tokens));
        return (x + mlp.forward(norm2.forward(x))).MoveToOuterDisposeScope();
    }
}
