using static TorchSharp.torch;

namespace CxrVL.Training.Optimizers;

/// <summary>
/// Adam with L2 weight decay (added to the gradient), step for step as torch.optim.Adam, with or without amsgrad
/// (XProNet and R2Gen: amsgrad on): g += wd p; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; with amsgrad
/// v̂ = max(v̂, v) replaces v; p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
/// </summary>
public sealed class Adam(IReadOnlyList<ParameterGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, bool amsgrad = false)
    : OptimizerBase(groups)
{
    protected override long[] StateShape(string stateName, Tensor parameter) => stateName == "step" ? [] : parameter.shape;

    protected override void Update(ParameterGroup group, string name, Tensor parameter, Tensor gradient)
    {
        var step = StateTensor($"{name}.step", [], ScalarType.Int64, CPU);
        var average = StateLike($"{name}.exp_avg", parameter);
        var squares = StateLike($"{name}.exp_avg_sq", parameter);
        step.add_(1);
        var t = step.item<long>();
        var lr = group.LearningRate;

        using var decayed = group.WeightDecay != 0 ? gradient.add(parameter, alpha: group.WeightDecay) : gradient.alias();
        average.lerp_(decayed, 1 - beta1);
        squares.mul_(beta2).addcmul_(decayed, decayed, value: 1 - beta2);
        var second = squares;
        if (amsgrad)
        {
            second = StateLike($"{name}.max_exp_avg_sq", parameter);
            using var larger = second.maximum(squares);
            second.copy_(larger);
        }
        var biasCorrection1 = 1 - Math.Pow(beta1, t);
        var correction2Root = Math.Sqrt(1 - Math.Pow(beta2, t));
        using var denominator = second.sqrt().div_(correction2Root).add_(eps);
        parameter.addcdiv_(average, denominator, value: -lr / biasCorrection1);
    }
}
