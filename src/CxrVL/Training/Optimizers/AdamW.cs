using static TorchSharp.torch;

namespace CxrVL.Training.Optimizers;

/// <summary>
/// AdamW with decoupled weight decay, step for step as torch.optim.AdamW (amsgrad off): p *= 1 - lr wd;
/// m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
/// </summary>
public sealed class AdamW(IReadOnlyList<ParameterGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    : AdamMoments(groups, beta1, beta2, eps, amsgrad: false, decoupledWeightDecay: true)
{
    protected override void Update(ParameterGroup group, string name, Tensor parameter, Tensor gradient)
    {
        var (average, squares, biasCorrection1, correction2Root) = Advance(name, parameter);
        var lr = group.LearningRate;

        if (group.WeightDecay != 0)
            parameter.mul_(1 - lr * group.WeightDecay);
        // Each pass reads or writes every value of the parameter's size, and a large model's step is bound by memory
        // traffic: lerp_ is one pass where mul_ + add_ are two, and folding sqrt(1 - beta2^t) into eps and the step
        // size, avg / (sqrt(sq) / r + eps) = r avg / (sqrt(sq) + r eps), saves dividing the root by r.
        average.lerp_(gradient, 1 - Beta1);
        squares.mul_(Beta2).addcmul_(gradient, gradient, value: 1 - Beta2);
        using var denominator = squares.sqrt().add_(Eps * correction2Root);
        parameter.addcdiv_(average, denominator, value: -lr * correction2Root / biasCorrection1);
    }
}
