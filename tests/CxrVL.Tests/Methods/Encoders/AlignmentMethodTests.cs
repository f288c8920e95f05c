using CxrVL.Precision;
using Xunit.Abstractions;
using CxrVL.Tests.Precision;
using CxrVL.Methods.Clip;
using CxrVL.Methods.Encoders;
using CxrVL.Methods.Gloria;
using CxrVL.Methods.Mgca;
using CxrVL.Models;
using CxrVL.Tasks.Pretraining;
using CxrVL.Training;
using static TorchSharp.torch;

namespace CxrVL.Tests.Methods.Encoders;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class AlignmentMethodTests(ITestOutputHelper output)
{
    private static PretrainModelConfig SmallConfig(string method, string backbone = "resnet18", ProjectionKind projection = ProjectionKind.Linear,
                                                   bool channelsLast = false, int frozenStages = 0)
    {
        var image = new ImageEncoderConfig { Backbone = backbone, ImageSize = 64, LocalStage = 3, ChannelsLast = channelsLast, FrozenStages = frozenStages };
        return method switch
        {
            "clip" => new ClipModelConfig { Image = image, EmbedDim = 32, Projection = new ProjectionConfig { Kind = projection, Hidden = 48 } },
            "gloria" => new GloriaModelConfig { Image = image, EmbedDim = 32 },
            "mgca" => new MgcaModelConfig { Image = image, EmbedDim = 32, Mgca = new MgcaConfig { HiddenDim = 64, Prototypes = 16, FreezePrototypesEpochs = 0 } },
            _ => throw new ArgumentException($"no small config for {method}"),
        };
    }

    private static readonly BertConfig TinyBert = new()
    {
        VocabSize = 50, HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 2, IntermediateSize = 64, MaxPositionEmbeddings = 64,
    };

    /// <summary>Four reports of 12 tokens: [CLS] words [SEP] padding, with one word split into two pieces.</summary>
    private static AlignmentBatch Batch(int imageSize = 64)
    {
        manual_seed(1);
        var ids = randint(5, 50, [4, 12]);
        var lengths = new long[] { 12, 9, 7, 10 };
        var mask = (arange(12).unsqueeze(0) < tensor(lengths).unsqueeze(1)).to(ScalarType.Int64);
        var words = zeros([4, 12], ScalarType.Int64) - 1;
        for (var b = 0; b < 4; b++)
        {
            // Tokens 1 and 2 form word 0; every later content token is its own word; [CLS] and [SEP] are -1.
            for (var t = 1; t < lengths[b] - 1; t++)
                words[b, t] = Math.Max(0, t - 2);
        }
        return new AlignmentBatch(randn(4, 3, imageSize, imageSize), new TextInput(ids, mask, words), [0, 1, 2, 3]);
    }

    private static TrainingProgress Progress() => new(0, "train", 0, 0, 10, 1, new Dictionary<string, double>());

    [Theory]
    [InlineData("clip", new[] { "global" })]
    [InlineData("gloria", new[] { "global", "local" })]
    [InlineData("mgca", new[] { "instance", "token", "prototype" })]
    public void OneStepGivesFiniteTermsAndGradientsInBothEncoders(string name, string[] terms)
    {
        using var method = PretrainingMethods.BuiltIn.Create(SmallConfig(name), TinyBert);
        method.Model.train();
        using var batch = Batch();

        var loss = method.Loss(batch, Progress());
        loss.Total.backward();

        Assert.Equal(terms.Order(), loss.Terms.Keys.Order());
        Assert.True(double.IsFinite(loss.Total.item<float>()));
        var gradients = method.Model.named_parameters().Where(p => p.parameter.grad is not null)
            .ToDictionary(p => p.name, p => p.parameter.grad!.abs().sum().item<float>());
        Assert.Contains(gradients, g => g.Key.StartsWith("image_encoder.backbone.conv1", StringComparison.Ordinal) && g.Value > 0);
        Assert.Contains(gradients, g => g.Key.StartsWith("text_encoder.bert.embeddings.word_embeddings", StringComparison.Ordinal) && g.Value > 0);
    }

    [Theory]
    [InlineData("clip", false)]
    [InlineData("gloria", false)]
    [InlineData("mgca", false)]
    [InlineData("clip", true)]
    public void BfloatMixedStepIsCloseToTheFloat32One(string name, bool channelsLast)
    {
        manual_seed(4);
        using var method = PretrainingMethods.BuiltIn.Create(SmallConfig(name, channelsLast: channelsLast), TinyBert);
        using var batch = Batch();

        var outcome = MixedPrecisionCheck.Compare(method.Model, () => method.Loss(batch, Progress()));

        MixedPrecisionCheck.AssertClose(outcome, name, output);
    }

    /// <summary>
    /// float16 is mainly for GPUs, but libtorch 2.10 has CPU kernels for every op of a step, so fp16-mixed also runs here
    /// (slowly). Its 11 significant bits put it closer to float32 than bfloat16 is; no loss scaling is needed at this scale.
    /// </summary>
    [Fact]
    public void Float16MixedStepRunsOnTheCpuCloseToTheFloat32One()
    {
        manual_seed(4);
        using var method = PretrainingMethods.BuiltIn.Create(SmallConfig("mgca"), TinyBert);
        using var batch = Batch();

        var outcome = MixedPrecisionCheck.Compare(method.Model, () => method.Loss(batch, Progress()), precision: TrainingPrecision.Fp16Mixed);

        MixedPrecisionCheck.AssertClose(outcome, "mgca", output, 0.01, 0.99);
    }

    [Theory]
    [InlineData(ProjectionKind.Mlp, false)]
    [InlineData(ProjectionKind.BatchNorm, true)]
    public void ClipProjectionHeadsAndChannelsLastTrainBothEncoders(ProjectionKind projection, bool channelsLast)
    {
        using var method = PretrainingMethods.BuiltIn.Create(SmallConfig("clip", projection: projection, channelsLast: channelsLast), TinyBert);
        method.Model.train();
        using var batch = Batch();

        method.Loss(batch, Progress()).Total.backward();

        var names = method.Model.named_parameters().Where(p => p.parameter.grad is not null && p.parameter.grad.abs().sum().item<float>() > 0)
            .Select(p => p.name).ToList();
        var head = projection == ProjectionKind.Mlp ? "image_projection.2.weight" : "image_projection.head.3.weight";
        Assert.Contains(head, names);
        Assert.Contains("image_encoder.backbone.conv1.weight", names);
        Assert.Contains("text_encoder.bert.embeddings.word_embeddings.weight", names);
    }

    [Theory]
    [InlineData("clip")]
    [InlineData("gloria")]
    [InlineData("mgca")]
    public void EmbeddingsAreUnitVectorsOfTheSharedWidth(string name)
    {
        using var method = PretrainingMethods.BuiltIn.Create(SmallConfig(name), TinyBert);
        method.Model.eval();
        using var batch = Batch();
        using var noGrad = no_grad();

        var images = method.EmbedImages(batch.Images);
        var texts = method.EmbedTexts(batch.Text);

        Assert.Equal([4L, 32], images.shape);
        Assert.Equal([4L, 32], texts.shape);
        Assert.True((images.norm(1) - 1).abs().max().item<float>() < 1e-5);
        Assert.True((texts.norm(1) - 1).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void VitBackboneGivesPatchTokensAsLocalFeatures()
    {
        using var encoder = new ImageEncoder(new ImageEncoderConfig { Backbone = "vit_s16", ImageSize = 64 });
        using var noGrad = no_grad();
        var encoding = encoder.forward(randn(2, 3, 64, 64));
        Assert.Equal([2L, 384], encoding.Global.shape);
        Assert.Equal([2L, 16, 384], encoding.Local.shape);
    }

    [Fact]
    public void WordPiecesAreSummedIntoTheirWords()
    {
        var tokens = tensor(new float[] { 9, 1, 2, 4, 8, 7 }, [1, 6, 1]);
        var wordIds = tensor(new long[] { -1, 0, 0, 1, 2, -1 }, [1, 6]);

        var (words, mask) = CxrVL.Methods.Encoders.TextEncoder.SumIntoWords(tokens, wordIds);

        Assert.Equal(new float[] { 3, 4, 8, 0, 0, 0 }, words.data<float>().ToArray());
        Assert.Equal(new[] { true, true, true, false, false, false }, mask.data<bool>().ToArray());
    }

    [Fact]
    public void UnknownMethodSuggestsTheClosestName()
    {
        var error = Assert.Throws<CxrVLException>(() => PretrainingMethods.BuiltIn.Get("mgac"));
        Assert.Contains("Did you mean 'mgca'?", error.Message);
    }

    [Theory]
    [InlineData("resnet18", 3, new[] { "conv1.", "bn1.", "layer1.", "layer2.", "layer3." }, new[] { "layer4." })]
    [InlineData("resnet18", 4, new[] { "conv1.", "bn1.", "layer1.", "layer4." }, new string[0])]
    [InlineData("vit_t16", 1, new[] { "patch_embed.", "cls_token", "pos_embed", "blocks.0." }, new[] { "blocks.1.", "norm." })]
    public void FrozenStagesKeepTheirWeightsAndBatchNormStatisticsThroughTrainingSteps(string backbone, int frozen, string[] kept, string[] trained)
    {
        using var method = PretrainingMethods.BuiltIn.Create(SmallConfig("clip", backbone, frozenStages: frozen), TinyBert);
        var before = method.Model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        using var optimizer = optim.SGD(method.Model.parameters().Where(p => p.requires_grad), 0.1);
        for (var step = 0; step < 2; step++)
        {
            // The trainer switches the whole model to training mode before every step.
            method.Model.train();
            using var batch = Batch();
            optimizer.zero_grad();
            method.Loss(batch, Progress()).Total.backward();
            optimizer.step();
        }

        const string prefix = "image_encoder.backbone.";
        var after = method.Model.state_dict();
        bool Changed(string name) => !before[name].eq(after[name]).all().item<bool>();
        var backboneKeys = after.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && !k.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList();
        foreach (var part in kept)
        {
            var keys = backboneKeys.Where(k => k[prefix.Length..].StartsWith(part, StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(keys);
            Assert.All(keys, k => Assert.False(Changed(k), $"{k} changed"));
        }
        foreach (var part in trained)
        {
            var keys = backboneKeys.Where(k => k[prefix.Length..].StartsWith(part, StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(keys);
            // Every trained weight moves, and so do the running statistics of a trained stage's BatchNorm.
            Assert.All(keys.Where(k => !k.EndsWith(".bias", StringComparison.Ordinal)), k => Assert.True(Changed(k), $"{k} did not change"));
        }
        Assert.Contains(after.Keys, k => k.StartsWith("text_encoder.", StringComparison.Ordinal) && Changed(k));
    }

    [Fact]
    public void MoreFrozenStagesThanTheBackboneHasIsAnErrorNamingTheKey()
    {
        var error = Assert.Throws<CxrVLException>(() => PretrainingMethods.BuiltIn.Create(SmallConfig("clip", frozenStages: 5), TinyBert));
        Assert.Contains("model.image.frozen_stages 5", error.Message);
    }
}
