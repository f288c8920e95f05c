using CxrVL.Methods.Mrm;
using CxrVL.Models;
using CxrVL.Text;
using static TorchSharp.torch;

namespace CxrVL.Tests.Methods.Mrm;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class MrmMaskingTests
{
    [Fact]
    public void ImageMaskingKeepsExactlyAQuarterOfEachImageAndTheRestoreIndicesInvertTheShuffle()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var encoder = new VisionTransformer(VisionTransformerConfig.Tiny16() with { Depth = 1, PositionEmbedding = VitPositionEmbedding.SinCos });
        using var noGrad = no_grad();

        var masked = encoder.ForwardMasked(randn(4, 3, 224, 224), 0.75);

        // 196 patches of the 224 px input; int(196 x 0.25) = 49 visible, the class token in front.
        Assert.Equal([4, 50, 192], masked.Tokens.shape);
        Assert.Equal(Enumerable.Repeat(147f, 4), masked.Mask.sum(1).data<float>().ToArray());
        Assert.Equal(0f, masked.Mask.gather(1, masked.KeepIndices).sum().item<float>());
        var shuffle = masked.RestoreIndices.argsort(1);
        Assert.True(shuffle[.., ..49].equal(masked.KeepIndices).all().item<bool>());
        Assert.True(shuffle.gather(1, masked.RestoreIndices).equal(arange(196).expand(4, 196)).all().item<bool>());
        // Every sample draws its own patches.
        Assert.False(masked.KeepIndices[0].sort().Values.equal(masked.KeepIndices[1].sort().Values).all().item<bool>());
    }

    [Fact]
    public void PatchifyOf32PixelTargetsAt448RoundTripsInMaesOrder()
    {
        using var scope = NewDisposeScope();
        var images = randn(2, 3, 448, 448);

        var patches = PatchTargets.Patchify(images, 32);

        Assert.Equal([2, 196, 3072], patches.shape);
        Assert.True(PatchTargets.Unpatchify(patches, 32).equal(images).all().item<bool>());
        // MAE's einsum nchpwq->nhwpqc: patch (row 3, column 5) holds its pixels row by row, channels innermost.
        var expected = images[1, .., 96..128, 160..192].permute(1, 2, 0).reshape(-1);
        Assert.True(patches[1, 3 * 14 + 5].equal(expected).all().item<bool>());
    }

    [Fact]
    public void NormPixTargetsUseEachPatchsUnbiasedVariance()
    {
        using var scope = NewDisposeScope();
        var patch = tensor(new float[] { 1, 2, 3, 6 }).reshape(1, 1, 4);

        var (normalised, mean, std) = PatchTargets.Normalise(patch);

        // Mean 3, unbiased variance (4 + 1 + 0 + 9) / 3 = 14 / 3.
        Assert.Equal(3f, mean.item<float>(), 5);
        Assert.Equal(Math.Sqrt(14.0 / 3 + 1e-6), std.item<float>(), 5);
        Assert.Equal(-2 / Math.Sqrt(14.0 / 3 + 1e-6), normalised[0, 0, 0].item<float>(), 5);
    }

    [Fact]
    public void MlmLabelsIgnoreUnmaskedAndPaddingPositionsByDefault()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        // [CLS] w0 w1 w1 w2 [PAD] [PAD]: word ids -1 for the class token and padding.
        var ids = tensor(new long[] { 2, 10, 11, 12, 13, 0, 0 }).reshape(1, 7).repeat(64, 1);
        var words = tensor(new long[] { -1, 0, 1, 1, 2, -1, -1 }).reshape(1, 7).repeat(64, 1);

        var record = RecordMasking.Mask(ids, words, 0.5, maskId: 3, MlmLossPositions.Masked);

        var special = words < 0;
        Assert.False(record.Masked.logical_and(special).any().item<bool>());
        Assert.True(record.Labels.masked_select(record.Masked.logical_not()).eq(RecordMasking.IgnoreIndex).all().item<bool>());
        Assert.True(record.Labels.masked_select(record.Masked).equal(ids.masked_select(record.Masked)).all().item<bool>());
        Assert.True(record.InputIds.masked_select(record.Masked).eq(3).all().item<bool>());
        Assert.True(record.InputIds.masked_select(record.Masked.logical_not()).equal(ids.masked_select(record.Masked.logical_not())).all().item<bool>());
        Assert.True(record.Masked.any().item<bool>());

        var seed = RecordMasking.Mask(ids, words, 0.5, maskId: 3, MlmLossPositions.All);
        Assert.True(seed.Labels.equal(ids).all().item<bool>());
    }

    [Fact]
    public void WholeWordMaskingNeverSplitsAWord()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        string[] reports =
        [
            "Bilateral patchy consolidations, predominantly peripheral, consistent with pneumonia.",
            "No pneumothorax. Cardiomediastinal silhouette unremarkable; interstitial opacities in both lower lobes.",
            "Worsening bibasilar atelectasis versus consolidation; endotracheal tube 4.5 cm above the carina.",
        ];
        // A small vocabulary, so that most words are split into several pieces.
        var tokenizer = WordPieceTrainer.Train(reports, new WordPieceTrainerOptions { VocabularySize = 120, MinFrequency = 1 });
        var batch = reports.Select(r => tokenizer.Encode("[CLS] " + r, EncodeOptions.Fixed(48))).ToList();
        Assert.All(batch, e => Assert.Equal(2, e.Ids[0]));
        Assert.Contains(batch.SelectMany(e => e.Tokens), t => t.StartsWith("##", StringComparison.Ordinal));
        var ids = tensor(batch.SelectMany(e => e.Ids.Select(i => (long)i)).ToArray()).reshape(3, 48);
        var words = tensor(batch.SelectMany(e => e.WordIds.Select(i => (long)i)).ToArray()).reshape(3, 48);

        var maskedWords = 0;
        var allWords = 0;
        for (var draw = 0; draw < 40; draw++)
        {
            var masked = RecordMasking.Mask(ids, words, 0.5, 3, MlmLossPositions.Masked, skip: 1).Masked.data<bool>().ToArray();
            for (var b = 0; b < batch.Count; b++)
            {
                // The ## grouping is the independent definition of a whole word.
                foreach (var span in WholeWords.Spans(batch[b]))
                {
                    var states = span.Select(t => masked[b * 48 + t]).Distinct().ToList();
                    Assert.Single(states);
                    allWords++;
                    maskedWords += states[0] ? 1 : 0;
                }
                Assert.False(masked[b * 48]);
            }
        }
        Assert.InRange((double)maskedWords / allWords, 0.45, 0.55);
    }
}
