using CxrVL.Precision;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CxrVL.Models.Layers;

/// <summary>
/// <c>torch.nn.Conv2d</c> with zero padding (same parameters, names and initialisation) whose convolution runs in the
/// autocast scope's low precision, output included. Channels-last weights stay channels-last through the cast.
/// </summary>
public sealed class AutocastConv2d : WeightedLayer
{
    private readonly long[] _stride;
    private readonly long[] _padding;
    private readonly long[] _dilation;
    private readonly long _groups;

    public AutocastConv2d(long inputChannels, long outputChannels, long kernelSize, long stride = 1, long padding = 0,
                          long dilation = 1, long groups = 1, bool bias = true) : base("Conv2d")
    {
        (_stride, _padding, _dilation, _groups) = ([stride, stride], [padding, padding], [dilation, dilation], groups);
        CreateParameters([outputChannels, inputChannels / groups, kernelSize, kernelSize], outputChannels, bias);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return F.conv2d(Autocast.Lower(input), Autocast.Lower(weight), LowBias, _stride, _padding, _dilation, _groups).MoveToOuterDisposeScope();
    }
}
