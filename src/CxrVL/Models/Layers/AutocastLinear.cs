using CxrVL.Precision;
using static TorchSharp.torch;

namespace CxrVL.Models.Layers;

/// <summary>
/// <c>torch.nn.Linear</c> (same parameters, names and initialisation) whose product runs in the autocast scope's low
/// precision: input, weight and bias are cast to it and the output stays in it, as PyTorch's autocast does for linear.
/// </summary>
public sealed class AutocastLinear : WeightedLayer
{
    public AutocastLinear(long inputSize, long outputSize, bool hasBias = true) : base("Linear")
    {
        in_features = inputSize;
        out_features = outputSize;
        CreateParameters([outputSize, inputSize], outputSize, hasBias);
    }

    public long in_features { get; }

    public long out_features { get; }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return Autocast.Linear(input, weight, bias).MoveToOuterDisposeScope();
    }
}
