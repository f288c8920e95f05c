using CxrVL.Precision;
using CxrVL.Models.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Methods.XProNet;

/// <summary>
/// XProNet's (and R2GenCMN's) shared cross-modal memory (<c>MultiThreadMemory</c>): multi-head attention from features
/// to a sample's prototypes in which each query attends only to its <c>topk</c> best-scoring prototypes; masked
/// (padding) prototypes never count. <c>linears.0..3</c> project query, key, value and output.
/// </summary>
public sealed class CrossModalMemory : nn.Module
{
    private readonly ModuleList<AutocastLinear> linears;
    private readonly Dropout dropout;
    private readonly int _heads;
    private readonly long _headDim;
    private readonly int _topk;

    public CrossModalMemory(int heads, long dModel, int topk, double dropoutRate) : base(nameof(CrossModalMemory))
    {
        if (dModel % heads != 0)
            throw new CxrVLException($"model.d_model ({dModel}) must be a multiple of model.num_heads ({heads}).");
        if (topk < 1)
            throw new CxrVLException($"model.topk must be at least 1 (got {topk}).");
        _heads = heads;
        _headDim = dModel / heads;
        _topk = topk;
        linears = new ModuleList<AutocastLinear>(Enumerable.Range(0, 4).Select(_ => new AutocastLinear(dModel, dModel)).ToArray());
        dropout = nn.Dropout(dropoutRate);
        RegisterComponents();
    }

    /// <param name="features">[B, T, D] queries.</param>
    /// <param name="prototypes">[B, M, D] the sample's prototypes.</param>
    /// <param name="mask">[B, M] true for real prototypes, false for padding.</param>
    public Tensor forward(Tensor features, Tensor prototypes, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var q = Split(linears[0].forward(features));
        var k = Split(linears[1].forward(prototypes));
        var v = Split(linears[2].forward(prototypes));
        var scores = Autocast.MatMul(q, k.transpose(-2, -1)) / Math.Sqrt(_headDim);
        scores = scores.masked_fill(mask.logical_not().unsqueeze(1).unsqueeze(1), float.NegativeInfinity);
        var kept = (int)Math.Min(_topk, scores.shape[^1]);
        var top = scores.topk(kept, dim: -1).indexes;
        var selected = zeros_like(scores, ScalarType.Bool).scatter_(-1, top, ones_like(top, ScalarType.Bool));
        var weights = dropout.forward(Autocast.Softmax(scores.masked_fill(selected.logical_not(), float.NegativeInfinity), -1));
        var mixed = Autocast.MatMul(weights, v).transpose(1, 2).contiguous().view(features.shape[0], -1, _heads * _headDim);
        return linears[3].forward(mixed).MoveToOuterDisposeScope();
    }

    private Tensor Split(Tensor x) => x.view(x.shape[0], -1, _heads, _headDim).transpose(1, 2);
}
