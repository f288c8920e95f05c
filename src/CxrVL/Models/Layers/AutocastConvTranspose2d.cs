using CxrVL.Precision;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CxrVL.Models.Layers;

/// <summary><c>torch.nn.ConvTranspose2d</c> (weight [in, out, k, k]) whose convolution runs in the autocast scope's low precision.</summary>
public sealed class AutocastConvTranspose2d : WeightedLayer
{
    private readonly long[] _stride;

    public AutocastConvTranspose2d(long inputChannels, long outputChannels, long kernelSize, long stride = 1, bool bias = true)
        : base("ConvTranspose2d")
    {
        _stride = [stride, stride];
        CreateParameters([inputChannels, outputChannels, kernelSize, kernelSize], outputChannels, bias);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return F.conv_transpose2d(Autocast.Lower(input), Autocast.Lower(weight), LowBias, _stride).MoveToOuterDisposeScope();
    }
}
