using CxrVL.Models.Layers;
using CxrVL.Generation;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Methods.R2Gen;

/// <summary>
/// R2Gen's memory-driven conditional layer norm: the unbiased-std norm whose scale and shift are <c>gamma</c>/<c>beta</c>
/// plus MLPs (<c>mlp_gamma</c>, <c>mlp_beta</c>) of the relational memory at each position.
/// </summary>
public sealed class ConditionalLayerNorm : SequenceNorm
{
    private readonly Parameter gamma;
    private readonly Parameter beta;
    private readonly Sequential mlp_gamma;
    private readonly Sequential mlp_beta;
    private readonly double _eps;

    public ConditionalLayerNorm(int dModel, int memoryDim, double eps = 1e-6) : base(nameof(ConditionalLayerNorm))
    {
        gamma = nn.Parameter(ones(dModel));
        beta = nn.Parameter(zeros(dModel));
        mlp_gamma = Mlp(memoryDim, dModel);
        mlp_beta = Mlp(memoryDim, dModel);
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor Normalize(Tensor x, Tensor? condition)
    {
        if (condition is null)
            throw new InvalidOperationException("R2Gen's conditional layer norm needs the relational memory.");
        using var scope = NewDisposeScope();
        var mean = x.mean([-1], keepdim: true);
        var std = x.std(-1, unbiased: true, keepdim: true);
        var scale = gamma + mlp_gamma.forward(condition);
        var shift = beta + mlp_beta.forward(condition);
        return (scale * (x - mean) / (std + _eps) + shift).MoveToOuterDisposeScope();
    }

    private static Sequential Mlp(int input, int dModel)
    {
        var first = new AutocastLinear(input, dModel);
        var second = new AutocastLinear(dModel, dModel);
        using (no_grad())
        {
            foreach (var linear in new[] { first, second })
            {
                nn.init.xavier_uniform_(linear.weight);
                nn.init.constant_(linear.bias!, 0.1);
            }
        }
        return nn.Sequential(("0", first), ("1", nn.ReLU()), ("2", second));
    }
}
