using CxrVL.Models.Layers;
using CxrVL.Precision;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tests.Models.Layers;

/// <summary>
/// The autocast layers against TorchSharp's torch.nn layers (the truth for float32 behaviour and initialisation) and
/// against what autocast does: products in the scope's low type, normalisation in float32.
/// </summary>
public sealed class AutocastLayerTests
{
    private static void SameTensor(Tensor expected, Tensor actual) =>
        Assert.True(expected.dtype == actual.dtype && expected.shape.SequenceEqual(actual.shape) && expected.eq(actual).all().item<bool>(),
            $"{expected.dtype} {string.Join("x", expected.shape)} vs {actual.dtype} {string.Join("x", actual.shape)}");

    [Fact]
    public void InitialisationAndFloat32ForwardMatchTorchNn()
    {
        using var scope = NewDisposeScope();
        var cases = new (Func<nn.Module<Tensor, Tensor>> Torch, Func<nn.Module<Tensor, Tensor>> Ours, long[] Input)[]
        {
            (() => nn.Linear(6, 5), () => new AutocastLinear(6, 5), [3, 6]),
            (() => nn.Linear(6, 5, hasBias: false), () => new AutocastLinear(6, 5, hasBias: false), [2, 3, 6]),
            (() => nn.Conv2d(3, 4, 3, stride: 2, padding: 1), () => new AutocastConv2d(3, 4, 3, stride: 2, padding: 1), [2, 3, 7, 7]),
            (() => nn.Conv2d(4, 4, 1, bias: false), () => new AutocastConv2d(4, 4, 1, bias: false), [1, 4, 5, 5]),
            (() => nn.Conv1d(6, 3, 1), () => new AutocastConv1d(6, 3, 1), [2, 6, 9]),
            (() => nn.ConvTranspose2d(4, 3, 2, stride: 2), () => new AutocastConvTranspose2d(4, 3, 2, stride: 2), [1, 4, 3, 3]),
            (() => nn.LayerNorm(6, 1e-6), () => new AutocastLayerNorm(6, 1e-6), [2, 3, 6]),
        };
        foreach (var (torchLayer, ours, shape) in cases)
        {
            manual_seed(11);
            var expected = torchLayer();
            manual_seed(11);
            var actual = ours();
            var names = expected.named_parameters().Select(p => p.name).ToList();
            Assert.Equal(names, actual.named_parameters().Select(p => p.name).ToList());
            foreach (var (name, parameter) in expected.named_parameters())
                SameTensor(parameter, actual.get_parameter(name)!);
            var input = randn(shape);
            Assert.True(allclose(expected.forward(input), actual.forward(input), 1e-6, 1e-6), actual.GetName());
        }
    }

    [Fact]
    public void GroupNormMatchesTorchNnWithPyTorchsInitialAffine()
    {
        using var scope = NewDisposeScope();
        var expected = nn.GroupNorm(2, 4);
        using (no_grad())
        {
            expected.weight!.fill_(1);
            expected.bias!.zero_();
        }
        var input = randn(2, 4, 3, 3);
        Assert.True(allclose(expected.forward(input), new AutocastGroupNorm(2, 4).forward(input), 1e-6, 1e-6));
    }

    [Fact]
    public void ProductsRunInTheLowTypeAndNormsInFloat32WithFloat32Gradients()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var linear = new AutocastLinear(8, 8);
        var conv = new AutocastConv2d(2, 2, 3, padding: 1);
        var norm = new AutocastLayerNorm(8);
        var x = randn(4, 8);
        var image = randn(1, 2, 4, 4);
        Tensor projected, normalised, convolved;
        using (Autocast.Enable(TrainingPrecision.Bf16Mixed))
        {
            projected = linear.forward(x);
            normalised = norm.forward(projected);
            convolved = conv.forward(image);
        }
        Assert.Equal(ScalarType.BFloat16, projected.dtype);
        Assert.Equal(ScalarType.Float32, normalised.dtype);
        Assert.Equal(ScalarType.BFloat16, convolved.dtype);
        // The bfloat16 product is the float32 one rounded: operands to 8 mantissa bits, so a relative error near 2^-8.
        var reference = linear.forward(x);
        Assert.True(allclose(projected.to_type(ScalarType.Float32), reference, 0.03, 0.03));

        (normalised.sum() + convolved.to_type(ScalarType.Float32).sum()).backward();
        foreach (var parameter in linear.parameters().Concat(conv.parameters()).Concat(norm.parameters()))
        {
            Assert.Equal(ScalarType.Float32, parameter.dtype);
            Assert.Equal(ScalarType.Float32, parameter.grad!.dtype);
        }
    }

    [Fact]
    public void DtypeMovesAndChannelsLastKeepTheParameterNames()
    {
        using var scope = NewDisposeScope();
        var conv = new AutocastConv2d(3, 4, 3, bias: true);
        conv.to(ScalarType.Float64);
        Assert.Equal(["weight", "bias"], conv.named_parameters().Select(p => p.name));
        Assert.All(conv.parameters(), p => Assert.Equal(ScalarType.Float64, p.dtype));
        Assert.Equal(ScalarType.Float64, conv.weight.dtype);
        conv.weight = new TorchSharp.Modules.Parameter(CxrVL.Models.ChannelsLast.Convert(conv.weight));
        Assert.True(CxrVL.Models.ChannelsLast.Is(conv.get_parameter("weight")!));
    }
}
