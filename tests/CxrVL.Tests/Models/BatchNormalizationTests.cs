using CxrVL.Models;
using static TorchSharp.torch;

namespace CxrVL.Tests.Models;

/// <summary>CxrVL's BatchNorm computes, counts and names exactly what TorchSharp's (PyTorch's) modules do.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class BatchNormalizationTests
{
    public static TheoryData<bool, bool> Cases => new() { { true, true }, { true, false }, { false, true } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TrainingStepsAndEvaluationMatchTorchSharpsModule(bool twoDimensional, bool affine)
    {
        manual_seed(7);
        using var ours = twoDimensional ? BatchNormalization.TwoDimensional(6, 1e-3, 0.3, affine) : BatchNormalization.OneDimensional(6, 1e-3, 0.3, affine);
        using nn.Module<Tensor, Tensor> reference = twoDimensional ? nn.BatchNorm2d(6, 1e-3, 0.3, affine) : nn.BatchNorm1d(6, 1e-3, 0.3, affine);
        Assert.Equal(reference.state_dict().Keys.Order(), ours.state_dict().Keys.Order());
        if (affine)
        {
            using var noGrad = no_grad();
            foreach (var (name, parameter) in reference.named_parameters())
                parameter.copy_(randn(parameter.shape));
            ours.load_state_dict(reference.state_dict());
        }

        for (var step = 0; step < 3; step++)
        {
            using var input = twoDimensional ? randn(4, 6, 5, 5) * 3 + 1 : randn(8, 6) * 2 - 1;
            using var expected = reference.call(input);
            using var actual = ours.call(input);
            Assert.True(actual.allclose(expected, rtol: 1e-6, atol: 1e-6), $"training step {step}");
        }
        foreach (var (name, buffer) in reference.named_buffers())
            Assert.True(ours.get_buffer(name)!.allclose(buffer), name);
        Assert.Equal(3L, ours.num_batches_tracked!.item<long>());

        ours.eval();
        reference.eval();
        using var test = twoDimensional ? randn(2, 6, 5, 5) : randn(3, 6);
        Assert.True(ours.call(test).allclose(reference.call(test), rtol: 1e-6, atol: 1e-6), "evaluation");
    }

    [Fact]
    public void AnInputOfTheWrongRankIsRefused()
    {
        using var norm = BatchNormalization.TwoDimensional(3);
        using var flat = randn(2, 3);
        Assert.Throws<ArgumentException>(() => norm.call(flat));
    }
}
