using CxrVL.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// timm's pre-norm transformer <c>Block</c>: x + attn(norm1(x)), then x + mlp(norm2(x)). With lateral experts (MedST's
/// MoVE) the attention stays shared over all tokens, and the tokens from <c>lateralFrom</c> on take the second FFN
/// path x + mlp_l(norm2_l(x)). With BEiT's layer scale each branch is multiplied by its per-channel <c>gamma_1</c> or
/// <c>gamma_2</c> before the residual sum.
/// </summary>
internal sealed class VitBlock : nn.Module<Tensor, Tensor>
{
    private readonly AutocastLayerNorm norm1;
    private readonly VitAttention attn;
    private readonly AutocastLayerNorm norm2;
    private readonly VitMlp mlp;
    private readonly AutocastLayerNorm? norm2_l;
    private readonly VitMlp? mlp_l;
    private readonly Parameter? gamma_1;
    private readonly Parameter? gamma_2;
    private readonly double _dropPath;

    public VitBlock(VisionTransformerConfig config, double dropPath = 0) : base(nameof(VitBlock))
    {
        _dropPath = dropPath;
        norm1 = new AutocastLayerNorm(config.EmbedDim, config.LayerNormEps);
        attn = new VitAttention(config);
        norm2 = new AutocastLayerNorm(config.EmbedDim, config.LayerNormEps);
        mlp = new VitMlp(config);
        if (config.LateralExperts)
        {
            norm2_l = new AutocastLayerNorm(config.EmbedDim, config.LayerNormEps);
            mlp_l = new VitMlp(config);
        }
        if (config.LayerScaleInit is { } scale)
        {
            gamma_1 = new Parameter(full(config.EmbedDim, scale));
            gamma_2 = new Parameter(full(config.EmbedDim, scale));
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens) => Forward(tokens, tokens.shape[1], null);

    /// <param name="lateralFrom">Index of the first token routed to the lateral expert (the token count: none; 0: all).</param>
    /// <param name="keyBias">Attention logit bias masking keys (see <see cref="VitAttention.Forward"/>), or null.</param>
    public Tensor Forward(Tensor tokens, long lateralFrom, Tensor? keyBias)
    {
        using var scope = NewDisposeScope();
        var x = LastingScalars.Sum(tokens, DropPath(Scale(gamma_1, attn.Forward(norm1.forward(tokens), keyBias))));
        var length = x.shape[1];
        if (lateralFrom >= length)
            return LastingScalars.Sum(x, DropPath(Scale(gamma_2, mlp.forward(norm2.forward(x))))).MoveToOuterDisposeScope();
        if (mlp_l is null || norm2_l is null)
            throw new CxrVLException("this ViT has no lateral-view experts (model built without LateralExperts).");
        var lateral = x[.., (int)lateralFrom..];
        lateral = LastingScalars.Sum(lateral, DropPath(Scale(gamma_2, mlp_l.forward(norm2_l.forward(lateral)))));
        if (lateralFrom == 0)
            return lateral.MoveToOuterDisposeScope();
        var frontal = x[.., ..(int)lateralFrom];
        frontal = LastingScalars.Sum(frontal, DropPath(Scale(gamma_2, mlp.forward(norm2.forward(frontal)))));
        return cat([frontal, lateral], 1).MoveToOuterDisposeScope();
    }

    private static Tensor Scale(Parameter? gamma, Tensor branch) => gamma is null ? branch : gamma * branch;

    /// <summary>timm's drop_path: in training, zero a sample's residual branch with probability p and scale the kept ones by 1 / (1 - p).</summary>
    private Tensor DropPath(Tensor branch)
    {
        if (!training || _dropPath <= 0)
            return branch;
        var keep = 1 - _dropPath;
        var mask = empty([branch.shape[0], 1, 1], branch.dtype, branch.device).bernoulli_(keep);
        return branch * mask.div_(keep);
    }
}
