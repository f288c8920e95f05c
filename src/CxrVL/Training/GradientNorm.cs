using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Training;

/// <summary>The 2-norm of all gradients together, as <c>clip_grad_norm_</c> measures it, without rescaling them.</summary>
internal static class GradientNorm
{
    public static double Of(IEnumerable<Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        var norms = parameters.Select(p => p.grad).OfType<Tensor>().Select(g => g.norm().to(float64)).ToList();
        return norms.Count == 0 ? 0 : stack(norms).norm().item<double>();
    }
}
