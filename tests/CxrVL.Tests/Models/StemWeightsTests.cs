using CxrVL.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tests.Models;

public sealed class StemWeightsTests
{
    [Fact]
    public void AdaptedStemGivesTheSameResponseToAGreyImage()
    {
        using var scope = NewDisposeScope();
        var rgbKernel = randn(8, 3, 7, 7);
        var grey = randn(2, 1, 32, 32);
        var greyAsRgb = grey.expand(-1, 3, -1, -1);

        var summed = StemWeights.ToChannels(rgbKernel, 1);
        var repeated = StemWeights.ToChannels(summed, 3);

        Assert.Equal([8, 1, 7, 7], summed.shape);
        Assert.True(allclose(nn.functional.conv2d(greyAsRgb, rgbKernel), nn.functional.conv2d(grey, summed), rtol: 1e-4, atol: 1e-4));
        Assert.True(allclose(nn.functional.conv2d(grey, summed), nn.functional.conv2d(greyAsRgb, repeated), rtol: 1e-4, atol: 1e-4));
        Assert.Throws<CxrVLException>(() => StemWeights.ToChannels(randn(8, 3, 7, 7), 2));
    }
}
