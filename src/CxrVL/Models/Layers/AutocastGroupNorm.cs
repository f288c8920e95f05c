using CxrVL.Precision;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CxrVL.Models.Layers;

/// <summary><c>torch.nn.GroupNorm</c> that normalises in float32 inside an autocast scope (output float32).</summary>
public sealed class AutocastGroupNorm : WeightedLayer
{
    private readonly long _groups;
    private readonly double _eps;

    public AutocastGroupNorm(long groups, long channels, double eps = 1e-5) : base("GroupNorm")
    {
        (_groups, _eps) = (groups, eps);
        weight = nn.Parameter(ones(channels));
        bias = nn.Parameter(zeros(channels));
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = Autocast.IsEnabled ? Autocast.Float32(input) : input;
        return F.group_norm(x, _groups, weight, bias, _eps).MoveToOuterDisposeScope();
    }
}
