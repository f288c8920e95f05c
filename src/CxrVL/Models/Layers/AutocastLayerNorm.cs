using CxrVL.Precision;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CxrVL.Models.Layers;

/// <summary>
/// <c>torch.nn.LayerNorm</c> over the last dimension that normalises in float32 inside an autocast scope (a bfloat16
/// input is widened; the output is float32), so statistics never round to 8 mantissa bits.
/// </summary>
public sealed class AutocastLayerNorm : WeightedLayer
{
    private readonly long[] _shape;

    public AutocastLayerNorm(long features, double eps = 1e-5) : base("LayerNorm")
    {
        _shape = [features];
        this.eps = eps;
        weight = nn.Parameter(ones(features));
        bias = nn.Parameter(zeros(features));
    }

    public double eps { get; }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = Autocast.IsEnabled ? Autocast.Float32(input) : input;
        return F.layer_norm(x, _shape, weight, bias, eps).MoveToOuterDisposeScope();
    }
}
