using CxrVL.Precision;
using CxrVL.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// Hugging Face's <c>BertSelfAttention</c> (<c>query</c>, <c>key</c>, <c>value</c>): scaled dot-product attention
/// with an additive mask; keys and values come from <c>source</c> (self-attention: the same states).
/// </summary>
internal sealed class BertSelfAttention : nn.Module
{
    private readonly AutocastLinear query;
    private readonly AutocastLinear key;
    private readonly AutocastLinear value;
    private readonly Dropout dropout;
    private readonly int _heads;
    private readonly int _headDim;

    public BertSelfAttention(BertConfig config) : base(nameof(BertSelfAttention))
    {
        query = new AutocastLinear(config.HiddenSize, config.HiddenSize);
        key = new AutocastLinear(config.HiddenSize, config.HiddenSize);
        value = new AutocastLinear(config.HiddenSize, config.HiddenSize);
        dropout = nn.Dropout(config.AttentionProbsDropoutProb);
        _heads = config.NumAttentionHeads;
        _headDim = config.HeadDim;
        RegisterComponents();
    }

    /// <summary>Returns the context [N, L, D] and the attention weights [N, heads, L, S].</summary>
    public (Tensor Context, Tensor Weights) Forward(Tensor states, Tensor source, Tensor? additiveMask)
    {
        using var scope = NewDisposeScope();
        var q = SplitHeads(query.forward(states));
        var k = SplitHeads(key.forward(source));
        var v = SplitHeads(value.forward(source));
        var scores = Autocast.MatMul(q, k.transpose(-1, -2)) / Math.Sqrt(_headDim);
        if (additiveMask is not null)
            scores = scores + additiveMask;
        var weights = Autocast.Softmax(scores, -1);
        var context = Autocast.MatMul(dropout.forward(weights), v).transpose(1, 2);
        context = context.reshape(context.shape[0], context.shape[1], _heads * _headDim);
        return (context.MoveToOuterDisposeScope(), weights.MoveToOuterDisposeScope());
    }

    private Tensor SplitHeads(Tensor x) => x.view(x.shape[0], x.shape[1], _heads, _headDim).transpose(1, 2);
}
