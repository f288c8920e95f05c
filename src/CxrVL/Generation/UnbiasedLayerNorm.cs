using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Generation;

/// <summary>
/// The Annotated Transformer's layer norm that R2Gen and XProNet use: <c>a_2 (x - mean) / (std + eps) + b_2</c> with the
/// unbiased (n - 1) standard deviation and eps added to it, not to the variance; needed for weight parity.
/// </summary>
public sealed class UnbiasedLayerNorm : SequenceNorm
{
    private readonly Parameter a_2;
    private readonly Parameter b_2;
    private readonly double _eps;

    public UnbiasedLayerNorm(long features, double eps = 1e-6) : base(nameof(UnbiasedLayerNorm))
    {
        a_2 = nn.Parameter(ones(features));
        b_2 = nn.Parameter(zeros(features));
        _eps = eps;
        RegisterComponents();
    }

    public Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var mean = x.mean([-1], keepdim: true);
        var std = x.std(-1, unbiased: true, keepdim: true);
        return (a_2 * (x - mean) / (std + _eps) + b_2).MoveToOuterDisposeScope();
    }

    public override Tensor Normalize(Tensor x, Tensor? condition) => forward(x);
}
