using CxrVL.Models.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models.Downstream;

/// <summary>Small convolution stacks the decoders and heads share.</summary>
public static class ConvBlocks
{
    /// <summary>Conv (no bias) + BatchNorm + ReLU, named <c>conv</c>, <c>bn</c> as MMSeg's ConvModule.</summary>
    public static Sequential ConvBnRelu(long input, long output, long kernel) =>
        nn.Sequential(
            ("conv", new AutocastConv2d(input, output, kernel, padding: kernel / 2, bias: false)),
            ("bn", BatchNormalization.TwoDimensional(output)),
            ("act", nn.ReLU(inplace: true)));

    /// <summary>Conv + GroupNorm + ReLU (FCOS towers, where batches are small).</summary>
    public static Sequential ConvGnRelu(long input, long output)
    {
        return nn.Sequential(("conv", new AutocastConv2d(input, output, 3, padding: 1)), ("gn", new AutocastGroupNorm(Math.Min(32, output), output)),
            ("act", nn.ReLU(inplace: true)));
    }
}
