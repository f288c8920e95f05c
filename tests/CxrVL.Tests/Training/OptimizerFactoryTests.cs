using CxrVL.Training.Optimizers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Tests.Training;

public sealed class OptimizerFactoryTests
{
    private static List<(string, Parameter)> VitLikeParameters() =>
    [
        ("cls_token", new Parameter(zeros(1, 1, 4))),
        ("patch_embed.proj.weight", new Parameter(zeros(4, 3, 2, 2))),
        ("blocks.0.attn.qkv.weight", new Parameter(zeros(12, 4))),
        ("blocks.0.attn.qkv.bias", new Parameter(zeros(12))),
        ("blocks.1.norm1.weight", new Parameter(zeros(4))),
        ("head.weight", new Parameter(zeros(2, 4))),
    ];

    [Fact]
    public void BiasesAndNormsGetNoDecayAndFrozenPrefixesStopTraining()
    {
        var parameters = VitLikeParameters();
        var config = new OptimizerConfig { WeightDecay = 0.05, Frozen = ["patch_embed."] };

        var groups = OptimizerFactory.Group(config, parameters);

        var decayOf = groups.SelectMany(g => g.Parameters.Select(p => (p.Name, g.WeightDecay))).ToDictionary();
        Assert.Equal(0.05, decayOf["blocks.0.attn.qkv.weight"]);
        Assert.Equal(0.05, decayOf["head.weight"]);
        Assert.Equal(0.0, decayOf["blocks.0.attn.qkv.bias"]);
        Assert.Equal(0.0, decayOf["blocks.1.norm1.weight"]);
        Assert.False(decayOf.ContainsKey("patch_embed.proj.weight"));
        Assert.False(parameters.Single(p => p.Item1 == "patch_embed.proj.weight").Item2.requires_grad);
    }

    [Fact]
    public void LayerDecayScalesEachLayerByDecayToTheDistanceFromTheTop()
    {
        var config = new OptimizerConfig { LayerDecay = 0.5, NoDecayOnBiasAndNorm = false };

        var groups = OptimizerFactory.Group(config, VitLikeParameters(), name => OptimizerFactory.TransformerLayerId(name, 2), 2);

        var scaleOf = groups.SelectMany(g => g.Parameters.Select(p => (p.Name, g.LrScale))).ToDictionary();
        // 2 blocks: embeddings are layer 0 (0.5^3), block 0 is layer 1 (0.5^2), block 1 is layer 2 (0.5), head is layer 3 (1).
        Assert.Equal(0.125, scaleOf["cls_token"]);
        Assert.Equal(0.125, scaleOf["patch_embed.proj.weight"]);
        Assert.Equal(0.25, scaleOf["blocks.0.attn.qkv.weight"]);
        Assert.Equal(0.5, scaleOf["blocks.1.norm1.weight"]);
        Assert.Equal(1.0, scaleOf["head.weight"]);
    }

    [Theory]
    [InlineData("embeddings.word_embeddings.weight", 0)]
    [InlineData("encoder.layer.0.attention.self.query.weight", 1)]
    [InlineData("encoder.layer.11.output.dense.bias", 12)]
    [InlineData("pooler.dense.weight", 13)]
    [InlineData("layer1.0.conv1.weight", 13)]
    public void TransformerLayerIdsFollowBertNames(string name, int expected) =>
        Assert.Equal(expected, OptimizerFactory.TransformerLayerId(name, 12));

    [Fact]
    public void AFrozenPrefixThatMatchesNothingIsAnError()
    {
        var error = Assert.Throws<CxrVLException>(() =>
            OptimizerFactory.Group(new OptimizerConfig { Frozen = ["patch_embd."] }, VitLikeParameters()));
        Assert.Contains("'patch_embd.'", error.Message);
    }

    [Fact]
    public void BaseLrPer256ScalesWithTheEffectiveBatch() =>
        Assert.Equal(1.5e-4 * 512 / 256, new OptimizerConfig { BaseLrPer256 = 1.5e-4 }.PeakLr(512), 15);
}
