using static TorchSharp.torch;

namespace CxrVL.Training.Optimizers;

/// <summary>
/// What Adam and AdamW keep per parameter, under torch.optim's state names: the step count, the first moment
/// (<c>exp_avg</c>), the second (<c>exp_avg_sq</c>) and with amsgrad its running maximum (<c>max_exp_avg_sq</c>), and
/// the bias corrections of this step. Parameters the fused CPU kernel accepts (<see cref="FusedAdamKernel"/>) are updated
/// by it, one call per group; the others by <see cref="OptimizerBase.Update"/>'s element-wise ops, with the same formulas.
/// </summary>
public abstract class AdamMoments(IReadOnlyList<ParameterGroup> groups, double beta1, double beta2, double eps, bool amsgrad, bool decoupledWeightDecay)
    : OptimizerBase(groups)
{
    protected double Beta1 { get; } = beta1;

    protected double Beta2 { get; } = beta2;

    protected double Eps { get; } = eps;

    protected bool Amsgrad { get; } = amsgrad;

    /// <summary>Whether the fused kernel may run (<c>train.optimizer.fused</c>); off, every parameter takes the element-wise ops.</summary>
    public bool Fused { get; init; } = true;

    /// <summary>How many parameters the fused kernel updated in the last <see cref="OptimizerBase.Step"/>.</summary>
    public int FusedParameterCount { get; private set; }

    public override void AllocateState()
    {
        foreach (var group in Groups)
            foreach (var (name, parameter) in group.Parameters)
            {
                Moments(name, parameter);
                if (Amsgrad)
                    StateLike($"{name}.max_exp_avg_sq", parameter);
            }
    }

    public override void Step()
    {
        FusedParameterCount = 0;
        base.Step();
    }

    protected override long[] StateShape(string stateName, Tensor parameter) => stateName == "step" ? [] : parameter.shape;

    /// <summary>The parameter's moments, its step count advanced by one, and 1 - β1^t and sqrt(1 - β2^t).</summary>
    protected (Tensor Average, Tensor Squares, double BiasCorrection1, double Correction2Root) Advance(string name, Tensor parameter)
    {
        var (step, average, squares) = Moments(name, parameter);
        step.add_(1);
        var t = step.item<long>();
        return (average, squares, 1 - Math.Pow(Beta1, t), Math.Sqrt(1 - Math.Pow(Beta2, t)));
    }

    protected override void UpdateGroup(ParameterGroup group, IReadOnlyList<(string Name, Tensor Parameter, Tensor Gradient)> updates)
    {
        var fused = new List<(Tensor Parameter, Tensor Gradient, Tensor Step, Tensor Average, Tensor Squares, Tensor? MaxSquares)>();
        foreach (var (name, parameter, gradient) in updates)
        {
            var (step, average, squares) = Moments(name, parameter);
            var maxSquares = Amsgrad ? StateLike($"{name}.max_exp_avg_sq", parameter) : null;
            Tensor[] state = maxSquares is null ? [average, squares] : [average, squares, maxSquares];
            if (Fused && FusedAdamKernel.Accepts(parameter, state))
                fused.Add((parameter, FusedAdamKernel.InLayoutOf(gradient, parameter), step, average, squares, maxSquares));
            else
                Update(group, name, parameter, gradient);
        }
        FusedParameterCount += fused.Count;
        if (fused.Count == 0)
            return;
        foreach (var entry in fused)
            entry.Step.add_(1);
        FusedAdamKernel.Step(decoupledWeightDecay, fused.Select(f => f.Parameter).ToList(), fused.Select(f => f.Gradient).ToList(),
                             fused.Select(f => f.Average).ToList(), fused.Select(f => f.Squares).ToList(),
                             fused.Where(f => f.MaxSquares is not null).Select(f => f.MaxSquares!).ToList(), fused.Select(f => f.Step).ToList(),
                             group.LearningRate, Beta1, Beta2, group.WeightDecay, Eps, Amsgrad);
    }

    private (Tensor Step, Tensor Average, Tensor Squares) Moments(string name, Tensor parameter) =>
        (StateTensor($"{name}.step", [], ScalarType.Int64, CPU), StateLike($"{name}.exp_avg", parameter), StateLike($"{name}.exp_avg_sq", parameter));
}
