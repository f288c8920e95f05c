using CxrVL.Runtime.Distributed;
using CxrVL.Training.Distributed;
using static TorchSharp.torch;

namespace CxrVL.Tests.Training.Distributed;

/// <summary>
/// SyncBatchNorm's own arithmetic (global sums, two-pass variance, running statistics, gradient through the
/// statistics) against torch's BatchNorm on one rank, where the global batch is the local one.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class SyncBatchNormTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void OneRankMatchesTorchBatchNorm(int dims)
    {
        manual_seed(5);
        using var reference = dims == 2 ? (nn.Module<Tensor, Tensor>)nn.BatchNorm1d(6) : nn.BatchNorm2d(6);
        using var synced = dims == 2 ? (nn.Module<Tensor, Tensor>)nn.BatchNorm1d(6) : nn.BatchNorm2d(6);
        using (no_grad())
        {
            foreach (var (name, parameter) in reference.named_parameters())
            {
                parameter.uniform_(0.5, 1.5);
                synced.get_parameter(name)!.copy_(parameter);
            }
        }
        using var hooks = new SyncBatchNorm(synced, SingleProcess.Instance);
        Assert.Equal(1, hooks.Layers);

        for (var step = 0; step < 3; step++)
        {
            var input = (dims == 2 ? randn(8, 6) : randn(4, 6, 5, 3)) * 3 + 2;
            var (a, b) = (input.detach().requires_grad_(), input.detach().requires_grad_());
            var weights = randn_like(input);
            var expected = reference.call(a);
            var actual = synced.call(b);
            (expected * weights).sum().backward();
            (actual * weights).sum().backward();

            Assert.True(expected.allclose(actual, rtol: 1e-5, atol: 1e-5), $"output differs at step {step}");
            Assert.True(a.grad!.allclose(b.grad!, rtol: 1e-4, atol: 1e-5), $"input gradient differs at step {step}");
        }
        foreach (var (name, buffer) in reference.named_buffers())
            Assert.True(buffer.to(float64).allclose(synced.get_buffer(name)!.to(float64), rtol: 1e-5, atol: 1e-6), $"{name} differs");
        foreach (var (name, parameter) in reference.named_parameters())
            Assert.True(parameter.grad!.allclose(synced.get_parameter(name)!.grad!, rtol: 1e-4, atol: 1e-5), $"{name} gradient differs");
    }
}
