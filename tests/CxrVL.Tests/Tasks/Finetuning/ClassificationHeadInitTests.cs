using CxrVL.Models;
using CxrVL.Models.Downstream;
using CxrVL.Tasks.Finetuning;
using static TorchSharp.torch;

namespace CxrVL.Tests.Tasks.Finetuning;

/// <summary>
/// MRM's fine-tuning starts the head with timm's <c>trunc_normal_(head.weight, std=2e-5)</c> (bounds a=-2, b=2 in
/// absolute units, as torch.nn.init.trunc_normal_) and timm's zero bias. Expected values are the truncated normal's
/// moments by hand: for N(0, s) cut to [-2, 2], var = s^2 (1 - 2 (2/s) phi(2/s) / (2 Phi(2/s) - 1)).
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class ClassificationHeadInitTests
{
    private static ClassificationMethod Head(VisionTransformer vit, double? std) =>
        new(new EncoderTraining(new EncoderFeatures(vit, []), FinetuneMode.Full, 0), classes: 40, multiClass: false, dropoutRate: 0, headInitStd: std);

    [Theory]
    // s = 2e-5: the bounds are 1e5 standard deviations away, so the draw is N(0, 2e-5).
    [InlineData(2e-5, 2e-5)]
    // s = 2: the bounds are one standard deviation away; var = 4 (1 - 2 phi(1) / (2 Phi(1) - 1)) = 4 x 0.291124.
    [InlineData(2.0, 1.079116)]
    public void HeadWeightsFollowTimmsTruncatedNormalAndTheBiasIsZero(double std, double expectedStd)
    {
        manual_seed(3);
        using var vit = new VisionTransformer(new VisionTransformerConfig { EmbedDim = 256, Depth = 1, Heads = 2, ImageSize = 32 });
        using var method = Head(vit, std);

        using var weight = method.Head.weight!.detach().to(ScalarType.Float64);
        Assert.Equal(new long[] { 40, 256 }, weight.shape);
        Assert.True(weight.abs().max().item<double>() <= 2.0);
        // 10,240 draws: the sample standard deviation is within about 1% of the truth, the mean within 3e-2 standard deviations.
        Assert.Equal(1.0, weight.std().item<double>() / expectedStd, 0.03);
        Assert.True(Math.Abs(weight.mean().item<double>()) < 0.03 * expectedStd);
        Assert.Equal(0.0, method.Head.bias!.abs().sum().item<float>());
    }

    [Fact]
    public void WithoutAnInitStdTheHeadKeepsPyTorchsLinearDefault()
    {
        manual_seed(3);
        using var vit = new VisionTransformer(new VisionTransformerConfig { EmbedDim = 256, Depth = 1, Heads = 2, ImageSize = 32 });
        using var method = Head(vit, null);

        // Linear's default: weight and bias uniform in +-1/sqrt(in_features) = +-1/16, so the bias is not zero.
        var bound = 1.0 / 16;
        Assert.True(method.Head.weight!.abs().max().item<float>() <= bound);
        Assert.Equal(bound / Math.Sqrt(3), method.Head.weight!.std().item<float>(), 0.003);
        Assert.True(method.Head.bias!.abs().sum().item<float>() > 0);
    }
}
