using CxrVL.Models;
using CxrVL.Models.Downstream;
using CxrVL.Tasks.Finetuning;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tests.Models.Downstream;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class DenseHeadTests
{
    [Fact]
    public void VitBlockMapsAreTheTokensOfThoseBlocks()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var vit = new VisionTransformer(new VisionTransformerConfig { EmbedDim = 32, Depth = 4, Heads = 2, ImageSize = 64 });
        vit.eval();
        var images = randn(2, 3, 64, 64);
        var maps = vit.ForwardBlocks(images, [2, 4]);
        Assert.Equal(new long[] { 2, 32, 4, 4 }, maps[1].shape);
        // Block 4 is the last: its tokens before the final norm, normalised, equal forward()'s tokens.
        var tokens = maps[1].flatten(2).transpose(1, 2);
        var normalised = nn.functional.layer_norm(tokens, [32], eps: 1e-6);
        var reference = vit.forward(images).Tokens[.., 1..];
        // The final norm's scale and shift start at 1 and 0, so a plain layer norm reproduces it.
        Assert.True(normalised.allclose(reference, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void DropPathIsIdentityInEvaluationAndDropsWholeSamplesInTraining()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var config = new VisionTransformerConfig { EmbedDim = 16, Depth = 2, Heads = 2, ImageSize = 32 };
        using var plain = new VisionTransformer(config);
        using var dropping = new VisionTransformer(config with { DropPathRate = 0.9 });
        using (no_grad())
        {
            foreach (var (name, parameter) in dropping.named_parameters())
                parameter.copy_(plain.named_parameters().First(p => p.name == name).parameter);
        }
        var images = randn(64, 3, 32, 32);
        plain.eval();
        dropping.eval();
        Assert.True(plain.forward(images).Tokens.allclose(dropping.forward(images).Tokens));
        dropping.train();
        plain.train();
        // Block 1 of 2 has rate 0 and block 2 rate 0.9: each sample's branches of block 2 are dropped or scaled by 1 / 0.1,
        // so in training every sample differs from the model without drop path.
        var same = (plain.forward(images).Tokens - dropping.forward(images).Tokens).abs().flatten(1).max(1).values.eq(0).sum().ToInt64();
        Assert.Equal(0, same);
    }

    [Fact]
    public void DecodersReturnLogitsAtTheInputResolution()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var resnet = new ResNet(ResNetConfig.ResNet18());
        var features = new EncoderFeatures(resnet, [4, 6, 8, 12]);
        using var unet = new UNetDecoder(features.MapChannels, [32, 16, 16, 8, 8], 2);
        Assert.Equal(new long[] { 2, 2, 64, 64 }, unet.forward(features.Maps(randn(2, 3, 64, 64))).shape);

        using var vit = new VisionTransformer(new VisionTransformerConfig { EmbedDim = 32, Depth = 4, Heads = 2, ImageSize = 64 });
        var vitFeatures = new EncoderFeatures(vit, [1, 2, 3, 4]);
        using var neck = new Feature2Pyramid(32);
        using var head = new UperNetHead(vitFeatures.MapChannels, 16, 3);
        var pyramid = neck.forward(vitFeatures.Maps(randn(2, 3, 64, 64)));
        Assert.Equal(new[] { 16L, 8, 4, 2 }, pyramid.Select(m => m.shape[2]).ToArray());
        Assert.Equal(new long[] { 2, 3, 16, 16 }, head.forward(pyramid).shape);
    }

    [Fact]
    public void LayerIdsAndFrozenStagesFollowTheEncoder()
    {
        using var resnet = new ResNet(ResNetConfig.ResNet18());
        var training = new EncoderTraining(new EncoderFeatures(resnet, []), FinetuneMode.Full, 2);
        Assert.Equal(0, training.LayerId("encoder.conv1.weight"));
        Assert.Equal(3, training.LayerId("encoder.layer3.0.conv1.weight"));
        Assert.Equal(5, training.LayerId("head.weight"));
        Assert.Equal(["encoder.conv1.", "encoder.bn1.", "encoder.layer1.", "encoder.layer2."], training.FrozenPrefixes());
        Assert.Equal(["encoder."], new EncoderTraining(new EncoderFeatures(resnet, []), FinetuneMode.Linear, 0).FrozenPrefixes());

        using var vit = new VisionTransformer(new VisionTransformerConfig { EmbedDim = 16, Depth = 4, Heads = 2, ImageSize = 32 });
        var vitTraining = new EncoderTraining(new EncoderFeatures(vit, [1, 2, 3, 4]), FinetuneMode.Full, 1);
        Assert.Equal(0, vitTraining.LayerId("encoder.pos_embed"));
        Assert.Equal(4, vitTraining.LayerId("encoder.blocks.3.attn.qkv.weight"));
        Assert.Equal(5, vitTraining.LayerId("encoder.norm.weight"));
        Assert.Contains("encoder.blocks.0.", vitTraining.FrozenPrefixes());
        Assert.DoesNotContain("encoder.blocks.1.", vitTraining.FrozenPrefixes());
    }
}
