using Xunit.Abstractions;
using CxrVL.Tests.Precision;
using CxrVL.Methods.Encoders;
using CxrVL.Methods.Prior;
using CxrVL.Models;
using CxrVL.Training;
using static TorchSharp.torch;

namespace CxrVL.Tests.Methods.Prior;

/// <summary>
/// One PRIOR training step at the sizes of anchors §9.1 (ResNet-50 at 224 px with a 1-channel stem, width 768, 256
/// tokens, 16 queries, 512 prototypes) with a batch of 2 and one layer per BERT (depth changes no shape).
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class PriorStepTests(ITestOutputHelper output)
{
    private const int Batch = 2, Length = 256, Dim = 768;

    private static PriorMethod Model(bool legacyTokens = false) => new(
        new PriorModelConfig
        {
            Image = new ImageEncoderConfig { Backbone = "resnet50", InputChannels = 1, ImageSize = 224 },
            EmbedDim = Dim,
            Temperature = 0.01,
            Prior = new PriorConfig { DecoderLayers = 1, LegacyChannelMajorTokens = legacyTokens },
        },
        new BertConfig { VocabSize = 2000, NumHiddenLayers = 1 });

    /// <summary>Report 0 has 18 sentences of 6 tokens (more than the 16 queries), report 1 has 5 sentences of 4 tokens.</summary>
    private static AlignmentBatch Reports()
    {
        manual_seed(2);
        var ids = randint(5, 2000, [Batch, Length]);
        var mask = zeros([Batch, Length], ScalarType.Int64);
        var sentences = zeros([Batch, Length], ScalarType.Int64);
        foreach (var (row, count, width) in new[] { (0, 18, 6), (1, 5, 4) })
        {
            var end = 1 + count * width;
            mask[row, ..(end + 1)] = 1;
            sentences[row, 1..end] = arange(1, count + 1).repeat_interleave(width);
        }
        var words = zeros([Batch, Length], ScalarType.Int64) - 1;
        return new AlignmentBatch(randn(Batch, 1, 224, 224), new TextInput(ids, mask, words, sentences), [0, 1]);
    }

    [Fact]
    public void StageShapesFollowTheWalkthroughAndEveryPartLearns()
    {
        using var model = Model();
        model.train();
        using var batch = Reports();

        using (no_grad())
        {
            // Stages 1 and 2 use every sentence; stage 1 does not quantise, neither reconstructs.
            var first = model.Forward(batch, 1);
            var second = model.Forward(batch, 2);
            Assert.Equal(new long[] { Batch, 18, Dim }, first.Sentences.shape);
            Assert.Null(first.Quantised);
            Assert.Equal(["global", "local_img", "local_txt"], first.Terms.Keys.Order());
            Assert.Equal(new long[] { Batch, 18, Dim }, second.Quantised!.shape);
            Assert.Equal(["global", "local_img", "local_txt", "proto"], second.Terms.Keys.Order());
            Assert.Null(second.Reconstruction);
        }

        var step = model.Forward(batch, 3);

        Assert.Equal(new long[] { Batch, 49, Dim }, step.LocalImage.shape);
        Assert.Equal(new long[] { Batch, Dim }, step.GlobalImage.shape);
        Assert.Equal(new long[] { Batch, 16, Dim }, step.Sentences.shape);
        Assert.Equal(new long[] { 16, 5 }, step.SentenceMask.sum([1]).data<long>().ToArray());
        Assert.Equal(new long[] { Batch, 16, Dim }, step.Quantised!.shape);
        Assert.Equal(new long[] { Batch, Dim }, step.GlobalText.shape);
        Assert.Equal(new long[] { Batch, 49, Dim }, step.Cross.TextToImage.shape);
        Assert.Equal(new long[] { Batch, 49, 16 }, step.Cross.TextToImageAttention.shape);
        Assert.Equal(new long[] { Batch, 16, Dim }, step.Cross.ImageToText.shape);
        Assert.Equal(new long[] { Batch, 1, 224, 224 }, step.Reconstruction!.shape);
        Assert.Equal(new long[] { Batch, 16, Dim }, step.Decoded!.shape);
        Assert.Equal(new long[] { Batch, 16 }, step.Assignment!.shape);
        // Each sample's assignment is a permutation of the 16 slots.
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (long)i), step.Assignment[1].sort().Values.data<long>().ToArray());
        Assert.Equal(["global", "gpa", "kl", "local_img", "local_txt", "proto", "rec_img", "spg"], step.Terms.Keys.Order());

        var loss = LossTerms.Weighted(step.Terms).Total;
        Assert.True(double.IsFinite(loss.item<float>()));
        loss.backward();
        var learning = model.named_parameters().Where(p => p.parameter.grad is { } g && g.abs().sum().item<float>() > 0)
            .Select(p => p.name).ToHashSet();
        foreach (var name in new[]
                 {
                     "image_encoder.encoder.conv1.weight", "image_encoder.atten_pool.q_proj.weight", "text_encoder.encoder.encoder.layer.0.attention.self.query.weight",
                     "global_text_attention.k_proj.weight", "local_cross_attention.value2.weight", "predictor.2.weight", "sentence_bank.embed.weight",
                     "sentence_decoder.encoder.layer.0.crossattention.self.key.weight", "prototype_queries", "image_decoder.blocks.0.conv1.0.weight",
                     "image_decoder.output_head.0.weight", "logit_scale", "local_logit_scale",
                 })
            Assert.Contains(name, learning);
        // PRIOR creates global_text_projection and the text pooler but never uses them.
        Assert.DoesNotContain("global_text_projection.weight", learning);
    }

    [Fact]
    public void BfloatMixedStepOfTheLastStageIsCloseToTheFloat32One()
    {
        using var model = Model();
        model.train();
        using var batch = Reports();

        var outcome = MixedPrecisionCheck.Compare(model, () => LossTerms.Weighted(model.Forward(batch, 3).Terms));

        MixedPrecisionCheck.AssertClose(outcome, "prior", output);
    }

    [Fact]
    public void LegacyTokensAreARawViewOfTheMap()
    {
        using var legacy = new PriorImageEncoder(new ImageEncoderConfig { Backbone = "resnet18", InputChannels = 1, ImageSize = 64 },
                                                 new PriorConfig { LegacyChannelMajorTokens = true });
        using var permuted = new PriorImageEncoder(new ImageEncoderConfig { Backbone = "resnet18", InputChannels = 1, ImageSize = 64 }, new PriorConfig());
        // A map [1, 4, 2, 2] holding 0..15: PRIOR's view makes token 0 = [0, 1, 2, 3] (channel 0's positions);
        // the permuted layout makes token 0 = [0, 4, 8, 12] (position 0's channels). ToMap inverts either.
        var map = arange(16f).view(1, 4, 2, 2);
        var raw = map.reshape(1, -1, 4);
        var tokens = map.flatten(2).transpose(1, 2);
        Assert.Equal(new float[] { 0, 1, 2, 3 }, raw[0, 0].data<float>().ToArray());
        Assert.Equal(new float[] { 0, 4, 8, 12 }, tokens[0, 0].data<float>().ToArray());

        var image = randn(1, 1, 64, 64);
        legacy.load_state_dict(permuted.state_dict());
        legacy.eval();
        permuted.eval();
        var a = legacy.forward(image).Local;
        var b = permuted.forward(image).Local;
        Assert.True(a.reshape(1, 512, 2, 2).allclose(b.transpose(1, 2).reshape(1, 512, 2, 2), rtol: 1e-5, atol: 1e-5));
        Assert.True(legacy.ToMap(a).allclose(permuted.ToMap(b), rtol: 1e-5, atol: 1e-5));
    }
}
