using CxrVL.Precision;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CxrVL.Models.Layers;

/// <summary><c>torch.nn.Conv1d</c> with zero padding whose convolution runs in the autocast scope's low precision.</summary>
public sealed class AutocastConv1d : WeightedLayer
{
    private readonly long _stride;
    private readonly long _padding;

    public AutocastConv1d(long inputChannels, long outputChannels, long kernelSize, long stride = 1, long padding = 0, bool bias = true)
        : base("Conv1d")
    {
        (_stride, _padding) = (stride, padding);
        CreateParameters([outputChannels, inputChannels, kernelSize], outputChannels, bias);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return F.conv1d(Autocast.Lower(input), Autocast.Lower(weight), LowBias, _stride, _padding).MoveToOuterDisposeScope();
    }
}
