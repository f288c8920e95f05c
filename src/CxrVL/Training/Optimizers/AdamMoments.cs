using static TorchSharp.torch;

namespace CxrVL.Training.Optimizers;

/// <summary>
/// What Adam and AdamW keep per parameter, under torch.optim's state names: the step count, the first moment
/// (<c>exp_avg</c>) and the second (<c>exp_avg_sq</c>), and the bias corrections of this step.
/// </summary>
public abstract class AdamMoments(IReadOnlyList<ParameterGroup> groups, double beta1, double beta2) : OptimizerBase(groups)
{
    protected double Beta1 { get; } = beta1;

    protected double Beta2 { get; } = beta2;

    protected override long[] StateShape(string stateName, Tensor parameter) => stateName == "step" ? [] : parameter.shape;

    /// <summary>The parameter's moments, its step count advanced by one, and 1 - β1^t and sqrt(1 - β2^t).</summary>
    protected (Tensor Average, Tensor Squares, double BiasCorrection1, double Correction2Root) Advance(string name, Tensor parameter)
    {
        var step = StateTensor($"{name}.step", [], ScalarType.Int64, CPU);
        var average = StateLike($"{name}.exp_avg", parameter);
        var squares = StateLike($"{name}.exp_avg_sq", parameter);
        step.add_(1);
        var t = step.item<long>();
        return (average, squares, 1 - Math.Pow(Beta1, t), Math.Sqrt(1 - Math.Pow(Beta2, t)));
    }
}
