using CxrVL.Methods.Encoders;
using static TorchSharp.torch;

namespace CxrVL.Tests.Methods.Encoders;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class ProjectionConfigTests
{
    [Theory]
    [InlineData(ProjectionKind.Linear, new[] { "weight" })]
    [InlineData(ProjectionKind.Mlp, new[] { "0.bias", "0.weight", "2.bias", "2.weight" })]
    [InlineData(ProjectionKind.BatchNorm, new[] { "head.0.bias", "head.0.weight", "head.1.bias", "head.1.weight", "head.3.bias", "head.3.weight" })]
    public void HeadsHaveTheirReferenceNamesAndWidths(ProjectionKind kind, string[] parameters)
    {
        using var head = new ProjectionConfig { Kind = kind, Hidden = 16 }.Create(8, 4);
        using var noGrad = no_grad();
        head.eval();

        Assert.Equal(parameters, head.named_parameters().Select(p => p.name).Order(StringComparer.Ordinal));
        Assert.Equal([3L, 4], head.call(randn(3, 8)).shape);
    }

    /// <summary>
    /// Features of untrained encoders share one large mean direction; a linear head keeps two samples' embeddings
    /// nearly parallel, the BatchNorm head centres every output dimension over the batch (mean 0, variance 1).
    /// </summary>
    [Fact]
    public void TheBatchNormHeadRemovesTheSharedDirectionALinearHeadKeeps()
    {
        manual_seed(3);
        using var scope = NewDisposeScope();
        var features = randn(32, 64) * 0.2 + 1;

        static double MeanCosine(Tensor x)
        {
            var unit = nn.functional.normalize(x, dim: -1);
            var cosine = unit.matmul(unit.t());
            return ((cosine.sum() - cosine.diagonal().sum()) / (x.shape[0] * (x.shape[0] - 1))).item<float>();
        }

        using var linear = new ProjectionConfig { Kind = ProjectionKind.Linear }.Create(64, 16);
        using var batchNorm = new ProjectionConfig { Kind = ProjectionKind.BatchNorm, Hidden = 64 }.Create(64, 16);
        batchNorm.train();
        using var noGrad = no_grad();
        var centred = batchNorm.call(features);

        Assert.True(MeanCosine(linear.call(features)) > 0.9);
        Assert.True(Math.Abs(MeanCosine(centred)) < 0.1);
        Assert.True(centred.mean([0]).abs().max().item<float>() < 1e-5);
        Assert.True((centred.var([0], unbiased: false) - 1).abs().max().item<float>() < 1e-2);
    }
}
