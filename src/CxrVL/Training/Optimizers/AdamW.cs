using static TorchSharp.torch;

namespace CxrVL.Training.Optimizers;

/// <summary>
/// AdamW with decoupled weight decay, step for step as torch.optim.AdamW (amsgrad off): p *= 1 - lr wd;
/// m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
/// </summary>
public sealed class AdamW(IReadOnlyList<ParameterGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
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

        if (group.WeightDecay != 0)
            parameter.mul_(1 - lr * group.WeightDecay);
        average.mul_(beta1).add_(gradient, alpha: 1 - beta1);
        squares.mul_(beta2).addcmul_(gradient, gradient, value: 1 - beta2);
        var biasCorrection1 = 1 - Math.Pow(beta1, t);
        var biasCorrection2 = 1 - Math.Pow(beta2, t);
        var denominator = squares.sqrt().div_(Math.Sqrt(biasCorrection2)).add_(eps);
        parameter.addcdiv_(average, denominator, value: -lr / biasCorrection1);
    }
}
