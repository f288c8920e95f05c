using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models.Downstream;

/// <summary>Small convolution stacks the decoders and heads share.</summary>
public static class ConvBlocks
{
    /// <summary>Conv (no bias) + BatchNorm + ReLU, named <c>conv</c>, <c>bn</c> as MMSeg's ConvModule.</summary>
    public static Sequential ConvBnRelu(long input, long output, long kernel) =>
        nn.Sequential(
            ("conv", nn.Conv2d(input, output, kernel, padding: kernel / 2, bias: false)),
            ("bn", BatchNormalization.TwoDimensional(output)),
            ("act", nn.ReLU(inplace: true)));

    /// <summary>Conv + GroupNorm + ReLU (FCOS towers, where batches are small).</summary>
    public static Sequential ConvGnRelu(long input, long output)
    {
        var norm = nn.GroupNorm(Math.Min(32, output), output);
        // TorchSharp 0.107 leaves GroupNorm's affine parameters uninitialised; PyTorch starts them at 1 and 0.
        using (no_grad())
        {
            norm.weight!.fill_(1);
            norm.bias!.zero_();
        }
        return nn.Sequential(("conv", nn.Conv2d(input, output, 3, padding: 1)), ("gn", norm), ("act", nn.ReLU(inplace: true)));
    }
}
