using CxrVL.Precision;
using CxrVL.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>timm's <c>Attention</c>: one fused <c>qkv</c> projection (rows q, k, v) and the output <c>proj</c>.</summary>
internal sealed class VitAttention : nn.Module<Tensor, Tensor>
{
    private readonly AutocastLinear qkv;
    private readonly AutocastLinear proj;
    private readonly int _heads;

    public VitAttention(VisionTransformerConfig config) : base(nameof(VitAttention))
    {
        if (config.EmbedDim % config.Heads != 0)
            throw new CxrVLException($"ViT: width {config.EmbedDim} does not split into {config.Heads} heads.");
        _heads = config.Heads;
        qkv = new AutocastLinear(config.EmbedDim, 3L * config.EmbedDim, hasBias: config.QkvBias);
        proj = new AutocastLinear(config.EmbedDim, config.EmbedDim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens) => Forward(tokens, null);

    /// <param name="keyBias">Added to the attention logits, broadcast to [N, heads, L, L]: 0 for keys that take part, -inf for masked ones.</param>
    public Tensor Forward(Tensor tokens, Tensor? keyBias)
    {
        using var scope = NewDisposeScope();
        var (n, length, dim) = (tokens.shape[0], tokens.shape[1], tokens.shape[2]);
        var parts = qkv.forward(tokens).view(n, length, 3, _heads, dim / _heads).permute(2, 0, 3, 1, 4);
        // Under autocast the projections are already in the low type; the additive mask must match it.
        var attended = nn.functional.scaled_dot_product_attention(parts[0], parts[1], parts[2], keyBias is null ? null : Autocast.Lower(keyBias));
        return proj.forward(attended.transpose(1, 2).reshape(n, length, dim)).MoveToOuterDisposeScope();
    }
}
