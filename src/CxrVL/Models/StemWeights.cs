using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// Adapts a first-convolution weight [out, in, k, k] to another input channel count, so that a greyscale image
/// gives the same response whether fed as 1 channel or as 3 identical channels: 3 -> 1 sums the RGB kernels (PRIOR's
/// 1-channel ResNet-50 from ImageNet weights), 1 -> 3 repeats the kernel divided by 3.
/// </summary>
public static class StemWeights
{
    public static Tensor ToChannels(Tensor weight, int channels)
    {
        if (weight.dim() != 4)
            throw new CxrVLException($"a stem convolution weight is [out, in, k, k]; got [{string.Join(", ", weight.shape)}].");
        var current = weight.shape[1];
        using var noGrad = no_grad();
        if (current == channels)
            return weight.clone();
        if (channels == 1)
            return weight.sum([1], keepdim: true);
        if (current == 1)
            return weight.repeat(1, channels, 1, 1) / channels;
        throw new CxrVLException($"cannot adapt a {current}-channel stem to {channels} channels; only to or from 1 channel.");
    }
}
