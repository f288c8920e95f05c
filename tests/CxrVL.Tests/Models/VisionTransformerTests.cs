using System.Text.Json;
using CxrVL.Models;
using CxrVL.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tests.Models;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class VisionTransformerTests
{
    [Theory]
    [InlineData("vit_s_16", 6)]
    [InlineData("vit_b_16", 12)]
    public void TorchvisionKeysMapOntoOurTimmNamesWithTheSameShapes(string arch, int heads)
    {
        var reference = ModelReference.Keys(arch);
        var map = VitKeyMaps.Torchvision;
        var mapped = reference.Select(r => (map.Map(r.Key)!, r.Shape)).ToList();
        using var model = new VisionTransformer(arch == "vit_s_16" ? VisionTransformerConfig.Small16(1000) : VisionTransformerConfig.Base16(1000));

        ModelReference.AssertSameKeys(mapped, ModelReference.Keys(model));
        Assert.Contains(("blocks.11.attn.qkv.weight", heads == 6 ? [1152L, 384] : [2304L, 768]),
            ModelReference.Keys(model).Select(k => (k.Key, k.Shape)), new KeyShapeComparer());
    }

    private sealed class KeyShapeComparer : IEqualityComparer<(string Key, long[] Shape)>
    {
        public bool Equals((string Key, long[] Shape) x, (string Key, long[] Shape) y) => x.Key == y.Key && x.Shape.SequenceEqual(y.Shape);

        public int GetHashCode((string Key, long[] Shape) obj) => obj.Key.GetHashCode(StringComparison.Ordinal);
    }

    [Fact]
    public void AveragePoolingUsesFcNormInsteadOfNorm()
    {
        using var model = new VisionTransformer(VisionTransformerConfig.Small16() with { Pooling = VitPooling.Average, Depth = 1 });
        var keys = model.state_dict().Keys.ToList();

        Assert.Contains("fc_norm.weight", keys);
        Assert.DoesNotContain("norm.weight", keys);
        Assert.DoesNotContain(keys, k => k.StartsWith("head.", StringComparison.Ordinal));
    }

    [Fact]
    public void SinCosTableEqualsMaesNumpyFunction()
    {
        using var scope = NewDisposeScope();
        using var document = JsonDocument.Parse(PythonReference.Run(ModelReference.Script, "sincos", "16", "4"));
        var expected = document.RootElement.EnumerateArray().SelectMany(row => row.EnumerateArray().Select(v => v.GetDouble())).ToArray();

        var table = PositionEmbeddings.SinCos2d(16, 4, prefixTokens: 1);

        Assert.Equal([1, 17, 16], table.shape);
        var actual = table.data<float>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        Assert.All(expected.Zip(actual), pair => Assert.Equal(pair.First, pair.Second, 5));
    }

    [Fact]
    public void SinCosPositionTableIsFixed()
    {
        using var model = new VisionTransformer(VisionTransformerConfig.Small16() with { PositionEmbedding = VitPositionEmbedding.SinCos, Depth = 1 });
        var table = model.named_parameters().Single(p => p.name == "pos_embed").parameter;

        Assert.False(table.requires_grad);
        Assert.Equal([1, 197, 384], table.shape);
        Assert.Equal(0f, table[0, 0].abs().sum().item<float>());
    }

    [Fact]
    public void MaskedForwardKeepsTheRightPatchesAndIndicesUndoTheShuffle()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        using var model = new VisionTransformer(VisionTransformerConfig.Small16() with { ImageSize = 64, Depth = 2 });
        model.eval();
        var images = randn(2, 3, 64, 64);
        using var noGrad = no_grad();

        var masked = model.ForwardMasked(images, 0.75);

        // 16 patches, 4 kept per image.
        Assert.Equal([2, 5, 384], masked.Tokens.shape);
        Assert.Equal([2, 16], masked.Mask.shape);
        Assert.Equal(new[] { 12f, 12f }, masked.Mask.sum(1).data<float>().ToArray());
        Assert.Equal(0f, masked.Mask.gather(1, masked.KeepIndices).sum().item<float>());
        var shuffle = masked.RestoreIndices.argsort(1);
        Assert.True(shuffle.gather(1, masked.RestoreIndices).equal(arange(16).expand(2, 16)).all().item<bool>());

        // Without masking, attention is order-free once positions are added: undoing the shuffle recovers forward().
        var all = model.ForwardMasked(images, 0.0);
        var restored = all.Tokens[.., 1..].gather(1, all.RestoreIndices.unsqueeze(-1).expand(-1, -1, 384));
        var plain = model.forward(images).Tokens;
        Assert.True(allclose(restored, plain[.., 1..], rtol: 1e-4, atol: 1e-5));
        Assert.True(allclose(all.Tokens[.., 0], plain[.., 0], rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void OtherImageSizesResampleThePositionTable()
    {
        using var scope = NewDisposeScope();
        using var model = new VisionTransformer(VisionTransformerConfig.Small16() with { Depth = 1 });
        model.eval();
        using var noGrad = no_grad();

        Assert.Equal([1, 1 + 2 * 3, 384], model.forward(randn(1, 3, 32, 48)).Tokens.shape);
        // Bicubic resampling of a constant grid is constant; the class row is kept.
        var table = cat([full(1, 1, 4, -1f), full(1, 9, 4, 2.5f)], 1);
        var resampled = PositionEmbeddings.Resample(table, 1, 5, 7);
        Assert.Equal([1, 36, 4], resampled.shape);
        Assert.True(allclose(resampled[.., 1..], full(1, 35, 4, 2.5f), atol: 1e-5));
        Assert.Equal(-1f, resampled[0, 0, 0].item<float>());
        var error = Assert.Throws<CxrVLException>(() => model.forward(randn(1, 3, 40, 48)));
        Assert.Contains("multiple of patch size 16", error.Message);
    }
}
