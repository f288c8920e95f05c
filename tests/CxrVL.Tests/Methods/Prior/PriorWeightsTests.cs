using CxrVL.Methods.Encoders;
using CxrVL.Methods.Prior;
using CxrVL.Models;
using CxrVL.Weights;
using static TorchSharp.torch;

namespace CxrVL.Tests.Methods.Prior;

/// <summary>
/// State dicts written by PyTorch under PRIOR's key names load strictly into <see cref="PriorMethod"/>. The image
/// encoder's and every head's keys come from a torch module tree mirroring PRIOR's classes (reference/prior_state_dict.py:
/// torchvision's ResNet-50 with a 1-channel stem, attention pools, the image decoder of Conv2dReLU blocks, SPB's
/// embedding, ...), not from a written key list; the BERT names are Hugging Face's as transformers 4.17 saved them.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class PriorWeightsTests : IClassFixture<PriorWeightsTests.Files>
{
    private const int Vocab = 1000, Hidden = 64, Intermediate = 128, TextLayers = 12, DecoderLayers = 8, Prototypes = 512, Queries = 16;

    public sealed class Files : IDisposable
    {
        public Files()
        {
            Directory.CreateDirectory(Folder);
            PythonReference.Run(PythonReference.Script("Methods/Prior/reference/prior_state_dict.py"), Folder,
                $"{Vocab}", $"{Hidden}", "4", $"{Intermediate}", $"{TextLayers}", $"{DecoderLayers}", $"{Prototypes}", $"{Queries}");
        }

        public string Folder { get; } = Path.Combine(Path.GetTempPath(), "cxrvl-prior-weights-" + Guid.NewGuid().ToString("N"));

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }

    private readonly Files _files;

    public PriorWeightsTests(Files files) => _files = files;

    private static PriorMethod Model(bool? legacyTokens = null) => new(
        new PriorModelConfig
        {
            Image = new ImageEncoderConfig { Backbone = "resnet50", InputChannels = 1, ImageSize = 224 },
            EmbedDim = Hidden,
            Temperature = 0.01,
            Prior = new PriorConfig { Prototypes = Prototypes, Queries = Queries, DecoderLayers = DecoderLayers, PoolHeads = 8, LegacyChannelMajorTokens = legacyTokens },
        },
        new BertConfig { VocabSize = Vocab, HiddenSize = Hidden, NumHiddenLayers = TextLayers, NumAttentionHeads = 4, IntermediateSize = Intermediate });

    [Fact]
    public void FullStateDictLoadsStrictlyWithEveryValue()
    {
        using var model = Model();
        using var weights = CheckpointReader.Read(Path.Combine(_files.Folder, "prior_full.pt"));

        var report = PriorWeights.Load(model, weights);

        Assert.Empty(report.Missing);
        Assert.Empty(report.Unexpected);
        Assert.Equal(["sentence_decoder.embeddings.position_ids", "text_encoder.encoder.embeddings.position_ids"], report.Dropped.Order());
        var state = model.state_dict();
        foreach (var key in new[] { "sentence_bank.embed.weight", "image_decoder.blocks.4.conv2.1.running_var", "logit_scale",
                                    "sentence_decoder.encoder.layer.7.crossattention.self.key.weight", "image_encoder.encoder.conv1.weight" })
            Assert.True(state[key].eq(weights[key]).all().item<bool>(), key);
    }

    /// <summary>
    /// PRIOR's own save carries transformers' position_ids buffer (the Python file writes it as transformers 4.17 did);
    /// that file's local branch was trained on the raw view of the map, so an unset layout follows it, an explicit false
    /// is kept with a warning, and a state dict without the buffer (CxrVL's own layout) selects nothing.
    /// </summary>
    [Theory]
    [InlineData(null, true, true, "set to true")]
    [InlineData(false, true, false, "warning")]
    [InlineData(true, true, true, null)]
    [InlineData(null, false, false, null)]
    public void ReleasedFullModelSelectsPriorsRawViewTokens(bool? configured, bool released, bool expectLegacy, string? note)
    {
        using var model = Model(configured);
        using var file = CheckpointReader.Read(Path.Combine(_files.Folder, "prior_full.pt"));
        using var weights = released ? file.Rename(k => k) : file.Rename(k => k.EndsWith("position_ids", StringComparison.Ordinal) ? null : k);

        var report = PriorWeights.Load(model, weights);

        Assert.Equal(expectLegacy, model.ImageEncoder.LegacyTokens);
        Assert.Equal(configured ?? (released ? true : null), model.Config.LegacyChannelMajorTokens);
        if (note is null)
            Assert.Empty(report.Notes);
        else
            Assert.Contains(note, Assert.Single(report.Notes));
        // The tokens are the layout's: [B, C, H, W] read as [B, HW, C] in memory order, or one token per position.
        using var map = arange(2 * 2048 * 49, ScalarType.Float32).reshape(2, 2048, 7, 7);
        using var tokens = model.ImageEncoder.ToMap(expectLegacy ? map.reshape(2, 49, 2048) : map.flatten(2).transpose(1, 2));
        Assert.True(tokens.reshape(2, 2048, 7, 7).equal(map).all().item<bool>());
    }

    [Fact]
    public void MissingOrWrongKeysFailNamingTheKey()
    {
        using var model = Model();
        var path = Path.Combine(_files.Folder, "prior_full.pt");

        using var missing = CheckpointReader.Read(path).Rename(k => k == "local_logit_scale" ? null : k);
        var error = Assert.Throws<StateDictLoadException>(() => PriorWeights.Load(model, missing));
        Assert.Contains("local_logit_scale", error.Message);

        using var renamed = CheckpointReader.Read(path).Rename(k => k == "sentence_bank.embed.weight" ? "sentence_bank.embedding.weight" : k);
        error = Assert.Throws<StateDictLoadException>(() => PriorWeights.Load(model, renamed));
        Assert.Contains("sentence_bank.embedding.weight", error.Message);
        Assert.Contains("sentence_bank.embed.weight", error.Message);
    }

    [Fact]
    public void VisionFileFillsTheImageEncoderOnlyAndAdaptsTheStem()
    {
        using var gray = Model();
        using var vision = CheckpointReader.Read(Path.Combine(_files.Folder, "prior_resnet50.pt"));
        var queriesBefore = gray.state_dict()["prototype_queries"].clone();

        var report = PriorWeights.Load(gray, vision);

        Assert.Equal(vision.Count, report.Loaded.Count);
        Assert.True(gray.state_dict()["image_encoder.encoder.layer4.2.bn3.running_mean"].eq(vision["layer4.2.bn3.running_mean"]).all().item<bool>());
        Assert.True(gray.state_dict()["prototype_queries"].eq(queriesBefore).all().item<bool>());

        using var rgb = new PriorMethod(
            new PriorModelConfig
            {
                Image = new ImageEncoderConfig { Backbone = "resnet50", InputChannels = 3, ImageSize = 224 },
                EmbedDim = Hidden,
                Prior = new PriorConfig { Prototypes = 8, Queries = 4, DecoderLayers = 1 },
            },
            new BertConfig { VocabSize = 50, HiddenSize = Hidden, NumHiddenLayers = 1, NumAttentionHeads = 4, IntermediateSize = 32 });
        PriorWeights.Load(rgb, vision);
        // A 1-channel kernel repeated over three channels and divided by three responds the same to a grey image.
        var stem = rgb.state_dict()["image_encoder.encoder.conv1.weight"];
        Assert.True(stem.sum([1], keepdim: true).allclose(vision["conv1.weight"], rtol: 1e-5, atol: 1e-6));
    }
}
