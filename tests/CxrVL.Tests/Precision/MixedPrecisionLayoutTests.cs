using CxrVL.Models;
using CxrVL.Models.Layers;
using CxrVL.Precision;
using static TorchSharp.torch;

namespace CxrVL.Tests.Precision;

/// <summary>Mixed precision runs ResNets channels-last (oneDNN's 16-bit convolutions need it); float32 keeps the recipe's layout.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class MixedPrecisionLayoutTests
{
    [Theory]
    [InlineData(TrainingPrecision.Bf16Mixed, true)]
    [InlineData(TrainingPrecision.Fp16Mixed, true)]
    [InlineData(TrainingPrecision.Fp32, false)]
    public void MixedPrecisionPutsResNetsChannelsLastWithTheSameWeightsAndOutputs(TrainingPrecision precision, bool channelsLast)
    {
        manual_seed(3);
        using var model = new ResNet(ResNetConfig.ResNet18(4));
        model.eval();
        using var images = randn(2, 3, 64, 64);
        var before = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        using var expected = model.forward(images).Logits!.detach().clone();

        var converted = MixedPrecisionLayout.Prepare(model, precision);

        Assert.Equal(channelsLast ? 1 : 0, converted);
        Assert.Equal(channelsLast, model.IsChannelsLast);
        var convolutions = model.modules().OfType<AutocastConv2d>().ToList();
        Assert.NotEmpty(convolutions);
        Assert.All(convolutions, c => Assert.Equal(channelsLast, ChannelsLast.Is(c.weight!)));
        // Same names, shapes and values: only the strides changed.
        var after = model.state_dict();
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        Assert.All(before, p => Assert.True(p.Value.eq(after[p.Key]).all().item<bool>(), p.Key));
        // In float32 the output is the NCHW one up to the kernels' summation order.
        using var actual = model.forward(images).Logits!;
        Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-5));
        // A second call finds nothing left to convert.
        Assert.Equal(0, MixedPrecisionLayout.Prepare(model, precision));
    }
}
