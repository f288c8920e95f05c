using CxrVL.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tests.Models;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class ResNetTests
{
    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet50")]
    [InlineData("resnet101")]
    public void StateDictKeysAndShapesEqualTorchvision(string arch)
    {
        using var model = new ResNet(ResNetConfig.Named(arch, classes: 1000));

        ModelReference.AssertSameKeys(ModelReference.Keys(arch), ModelReference.Keys(model));
    }

    [Fact]
    public void MapsHaveTorchvisionStridesAndChannels()
    {
        using var scope = NewDisposeScope();
        using var model = new ResNet(ResNetConfig.ResNet18());
        model.eval();

        var features = model.forward(randn(2, 3, 64, 64));

        // Stem /2, layer1 /4 after the max-pool, then /8, /16, /32; BasicBlock widths 64-128-256-512.
        long[][] expected = [[2, 64, 32, 32], [2, 64, 16, 16], [2, 128, 8, 8], [2, 256, 4, 4], [2, 512, 2, 2]];
        Assert.Equal(expected, features.Maps.Select(m => m.shape).ToArray());
        Assert.Equal([2, 512], features.Pooled.shape);
        Assert.Null(features.Logits);
        // Average pooling over the last map.
        Assert.True(allclose(features.Last.mean([2, 3]), features.Pooled, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void OneChannelStemTakesGreyscaleImages()
    {
        using var scope = NewDisposeScope();
        using var model = new ResNet(ResNetConfig.ResNet50() with { InputChannels = 1 });
        model.eval();

        Assert.Equal([64, 1, 7, 7], model.state_dict()["conv1.weight"].shape);
        Assert.Equal([1, 2048], model.forward(randn(1, 1, 64, 64)).Pooled.shape);
        var error = Assert.Throws<CxrVLException>(() => model.forward(randn(1, 3, 64, 64)));
        Assert.Contains("1 x H x W", error.Message);
    }

    [Fact]
    public void AttentionPoolHasClipNamesAndMatchesTorchMultiheadAttention()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var config = ResNetConfig.ResNet18() with { AttentionPool = new AttentionPoolConfig { SpatialSize = 2, Heads = 8 } };
        using var model = new ResNet(config);
        model.eval();
        var state = model.state_dict();
        Assert.Equal([5, 512], state["attnpool.positional_embedding"].shape);
        foreach (var projection in new[] { "q_proj", "k_proj", "v_proj", "c_proj" })
            Assert.Equal([512, 512], state[$"attnpool.{projection}.weight"].shape);

        var features = model.forward(randn(2, 3, 64, 64));

        // CLIP's AttentionPool2d through libtorch's own multi-head attention: tokens (L, N, E) = [mean; positions] + table.
        using var attention = nn.MultiheadAttention(512, 8);
        using (no_grad())
        {
            var target = attention.state_dict();
            target["in_proj_weight"].copy_(cat([state["attnpool.q_proj.weight"], state["attnpool.k_proj.weight"], state["attnpool.v_proj.weight"]]));
            target["in_proj_bias"].copy_(cat([state["attnpool.q_proj.bias"], state["attnpool.k_proj.bias"], state["attnpool.v_proj.bias"]]));
            target["out_proj.weight"].copy_(state["attnpool.c_proj.weight"]);
            target["out_proj.bias"].copy_(state["attnpool.c_proj.bias"]);
            var tokens = features.Last.flatten(2).permute(2, 0, 1);
            tokens = cat([tokens.mean([0], keepdim: true), tokens]) + state["attnpool.positional_embedding"].unsqueeze(1);
            var (expected, _) = attention.forward(tokens, tokens, tokens, null, false, null);
            Assert.True(allclose(expected[0], features.Pooled, rtol: 1e-4, atol: 1e-5),
                $"max difference {(expected[0] - features.Pooled).abs().max().item<float>()}");
        }
    }

    [Fact]
    public void FusedBatchNormAndChannelsLastGiveTheSameOutputs()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var model = new ResNet(ResNetConfig.ResNet18(classes: 10));
        using (no_grad())
        {
            // Non-trivial running statistics, so folding them is exercised.
            foreach (var (name, buffer) in model.named_buffers())
            {
                if (name.EndsWith("running_mean", StringComparison.Ordinal))
                    buffer.copy_(randn(buffer.shape) * 0.1);
                else if (name.EndsWith("running_var", StringComparison.Ordinal))
                    buffer.copy_(rand(buffer.shape) + 0.5);
            }
        }
        model.eval();
        var images = randn(2, 3, 64, 64);
        using var noGrad = no_grad();
        var plain = model.forward(images).Logits!.clone();

        model.FuseBatchNormForInference();
        var fused = model.forward(images).Logits!;
        model.ToChannelsLast();
        var input = ChannelsLast.Convert(images);
        var fusedChannelsLast = model.forward(input);
        var converted = model.forward(images);

        Assert.True(ChannelsLast.Is(input));
        Assert.True(ChannelsLast.Is(model.state_dict()["layer1.0.conv1.weight"]));
        Assert.True(ChannelsLast.Is(converted.Maps[0]), "NCHW input is converted by forward");
        Assert.True(ChannelsLast.Is(fusedChannelsLast.Maps[1]), "convolutions keep the NHWC layout");
        Assert.True((plain - fused).abs().max().item<float>() < 1e-4);
        Assert.True((plain - fusedChannelsLast.Logits!).abs().max().item<float>() < 1e-4);
        Assert.True((plain - converted.Logits!).abs().max().item<float>() < 1e-4);
        model.train();
        Assert.Throws<InvalidOperationException>(() => model.forward(images));
    }

    [Fact]
    public void ChannelsLastTrainingGivesTheSameGradients()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var model = new ResNet(ResNetConfig.ResNet18(classes: 5));
        model.train();
        // Large enough maps that train-mode BatchNorm is well conditioned (layer4 is 2 x 2 per image).
        var images = randn(4, 3, 64, 64);
        var labels = tensor(new long[] { 1, 3, 0, 4 });
        Tensor Gradient()
        {
            model.zero_grad();
            nn.functional.cross_entropy(model.forward(images).Logits!, labels).backward();
            return model.state_dict()["conv1.weight"].grad!.clone();
        }

        var plain = Gradient();
        model.ToChannelsLast();
        var channelsLast = Gradient();

        Assert.True(allclose(plain, channelsLast, rtol: 1e-3, atol: 1e-5),
            $"max difference {(plain - channelsLast).abs().max().item<float>()} of max {plain.abs().max().item<float>()}");
    }
}
