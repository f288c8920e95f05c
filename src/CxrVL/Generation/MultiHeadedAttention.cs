using CxrVL.Precision;
using CxrVL.Models.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Generation;

/// <summary>
/// Scaled dot-product attention with <c>h</c> heads and the Annotated Transformer's names: <c>linears.0..3</c> project
/// query, key, value and output. A mask [B, 1 or Tq, Tk] keeps positions where it is true (or nonzero).
/// </summary>
public sealed class MultiHeadedAttention : nn.Module
{
    private readonly ModuleList<AutocastLinear> linears;
    private readonly Dropout dropout;
    private readonly int _heads;
    private readonly long _headDim;

    public MultiHeadedAttention(int heads, long dModel, double dropoutRate) : base(nameof(MultiHeadedAttention))
    {
        if (dModel % heads != 0)
            throw new CxrVLException($"model.d_model ({dModel}) must be a multiple of model.num_heads ({heads}).");
        _heads = heads;
        _headDim = dModel / heads;
        linears = new ModuleList<AutocastLinear>(Enumerable.Range(0, 4).Select(_ => new AutocastLinear(dModel, dModel)).ToArray());
        dropout = nn.Dropout(dropoutRate);
        RegisterComponents();
    }

    public Tensor forward(Tensor query, Tensor key, Tensor value, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        var q = Split(linears[0].forward(query));
        var k = Split(linears[1].forward(key));
        var v = Split(linears[2].forward(value));
        var scores = Autocast.MatMul(q, k.transpose(-2, -1)) / Math.Sqrt(_headDim);
        if (mask is not null)
            scores = scores.masked_fill(mask.unsqueeze(1).eq(0), float.NegativeInfinity);
        var attention = dropout.forward(Autocast.Softmax(scores, -1));
        var mixed = Autocast.MatMul(attention, v).transpose(1, 2).contiguous().view(query.shape[0], -1, _heads * _headDim);
        return linears[3].forward(mixed).MoveToOuterDisposeScope();
    }

    private Tensor Split(Tensor x) => x.view(x.shape[0], -1, _heads, _headDim).transpose(1, 2);
}
