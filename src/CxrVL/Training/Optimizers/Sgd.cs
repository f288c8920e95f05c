using static TorchSharp.torch;

namespace CxrVL.Training.Optimizers;

/// <summary>
/// SGD with coupled weight decay, momentum, dampening and Nesterov, step for step as torch.optim.SGD: the first step
/// stores the gradient itself as the momentum buffer.
/// </summary>
public sealed class Sgd(IReadOnlyList<ParameterGroup> groups, double momentum = 0.9, double dampening = 0, bool nesterov = false)
    : OptimizerBase(groups)
{
    protected override void Update(ParameterGroup group, string name, Tensor parameter, Tensor gradient)
    {
        var direction = group.WeightDecay != 0 ? gradient.add(parameter, alpha: group.WeightDecay) : gradient;
        if (momentum != 0)
        {
            var key = $"{name}.momentum_buffer";
            var first = !HasState(key);
            var buffer = StateLike(key, parameter);
            if (first)
                buffer.copy_(direction);
            else
                buffer.mul_(momentum).add_(direction, alpha: 1 - dampening);
            direction = nesterov ? direction.add(buffer, alpha: momentum) : buffer;
        }
        parameter.add_(direction, alpha: -group.LearningRate);
    }
}
