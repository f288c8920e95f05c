using static TorchSharp.torch;

namespace CxrVL.Training.Optimizers;

/// <summary>
/// Adam with L2 weight decay (added to the gradient), step for step as torch.optim.Adam, with or without amsgrad
/// (XProNet and R2Gen: amsgrad on): g += wd p; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; with amsgrad
/// v̂ = max(v̂, v) replaces v; p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
/// </summary>
public sealed class Adam(IReadOnlyList<ParameterGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, bool amsgrad = false)
    : AdamMoments(groups, beta1, beta2, eps, amsgrad, decoupledWeightDecay: false)
{
    protected override void Update(ParameterGroup group, string name, Tensor parameter, Tensor gradient)
    {
        var (average, squares, biasCorrection1, correction2Root) = Advance(name, parameter);
        var lr = group.LearningRate;

        using var decayed = group.WeightDecay != 0 ? gradient.add(parameter, alpha: group.WeightDecay) : gradient.alias();
        average.lerp_(decayed, 1 - Beta1);
        squares.mul_(Beta2).addcmul_(decayed, decayed, value: 1 - Beta2);
        var second = squares;
        if (Amsgrad)
        {
            second = StateLike($"{name}.max_exp_avg_sq", parameter);
            using var larger = second.maximum(squares);
            second.copy_(larger);
        }
        using var denominator = second.sqrt().div_(correction2Root).add_(Eps);
        parameter.addcdiv_(average, denominator, value: -lr / biasCorrection1);
    }
}
