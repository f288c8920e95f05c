using CxrVL.Configuration;
using CxrVL.Tests.Precision;
using Xunit.Abstractions;
using CxrVL.Methods.Encoders;
using CxrVL.Methods.MedST;
using CxrVL.Models;
using CxrVL.Training;
using CxrVL.Weights;
using static TorchSharp.torch;

namespace CxrVL.Tests.Methods.MedST;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class MedstMethodTests(ITestOutputHelper output)
{
    private static readonly BertConfig Text = new() { VocabSize = 40, HiddenSize = 32, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 64 };

    private static MedstMethod Create(int seed, bool excludeMissingLateralPatches = true, string padding = "exclude")
    {
        manual_seed(seed);
        var config = ConfigLoader.Load<MedstModelConfig>(null, [$"mgca.local_loss_padding={padding}"]);
        config.EmbedDim = 16;
        config.Mgca.HiddenDim = 32;
        config.Medst.ExcludeMissingLateralPatches = excludeMissingLateralPatches;
        return new MedstMethod(config, Text, new VisionTransformerConfig { EmbedDim = 32, Depth = 4, Heads = 4, ImageSize = 32 });
    }

    private static AlignmentBatch Batch(int studies, int sequenceItems)
    {
        var length = 7;
        var ids = randint(5, 40, [studies, length]);
        var mask = ones(studies, length, dtype: int64);
        mask[0, 4..] = 0;
        var words = arange(length).unsqueeze(0).repeat(studies, 1) - 1;
        words[.., 0] = -1;
        words[0, 4..] = -1;
        return new AlignmentBatch(randn(studies, 3, 32, 32), new TextInput(ids, mask, words), Enumerable.Range(0, studies).ToList())
        {
            Lateral = randn(studies, 3, 32, 32),
            HasLateral = arange(studies) % 2 == 0,
            SequenceItems = sequenceItems,
        };
    }

    private static TrainingProgress Progress => new(0, "train", 0, 0, 1, 0, new Dictionary<string, double>());

    [Fact]
    public void EveryTermIsFiniteAndEveryUsedParameterGetsAFiniteGradient()
    {
        using var method = Create(1);
        using var batch = Batch(8, 8);

        var loss = method.Loss(batch, Progress);
        loss.Total.backward();

        Assert.Equal(["global", "local", "temporal"], loss.Terms.Keys.Order());
        Assert.All(loss.Terms.Values, t => Assert.True(double.IsFinite(t.item<float>()) && t.item<float>() > 0));
        var gradients = method.named_parameters().Where(p => p.parameter.grad is not null).ToList();
        Assert.All(gradients, p => Assert.True(p.parameter.grad!.isfinite().all().item<bool>(), p.name));
        foreach (var name in new[] { "word_weighting.in_proj_weight", "patch_weighting.in_proj_weight", "image_encoder.blocks.0.mlp_l.fc1.weight", "image_encoder.blocks.0.mlp.fc1.weight" })
            Assert.Contains(name, gradients.Select(p => p.name));
    }

    [Fact]
    public void BfloatMixedStepIsCloseToTheFloat32One()
    {
        manual_seed(4);
        using var method = Create(1);
        using var batch = Batch(8, 8);

        var outcome = MixedPrecisionCheck.Compare(method, () => method.Loss(batch, Progress));

        MixedPrecisionCheck.AssertClose(outcome, "medst", output);
    }

    [Fact]
    public void PaddedWordSlotsJoinTheLocalAlignmentOnlyAsReleased()
    {
        using var excluding = Create(1);
        using var releasing = Create(1, padding: "include_as_released");
        using var batch = Batch(8, 8);

        manual_seed(2);
        var excluded = excluding.Loss(batch, Progress).Terms["local"].item<float>();
        manual_seed(2);
        var released = releasing.Loss(batch, Progress);
        released.Total.backward();

        Assert.NotEqual(excluded, released.Terms["local"].item<float>());
        Assert.All(releasing.parameters().Where(p => p.grad is not null), p => Assert.True(p.grad!.isfinite().all().item<bool>()));
        Assert.Contains("exclude, include_as_released", Assert.ThrowsAny<CxrVLException>(() => ConfigLoader.Load<MedstModelConfig>(null, ["mgca.local_loss_padding=include"])).Message);
    }

    [Fact]
    public void MissingLateralPatchesJoinTheLocalAlignmentOnlyAsReleased()
    {
        using var excluding = Create(1);
        using var releasing = Create(1, excludeMissingLateralPatches: false);
        using var batch = Batch(8, 8);

        manual_seed(2);
        var excluded = excluding.Loss(batch, Progress).Terms["local"].item<float>();
        manual_seed(2);
        var released = releasing.Loss(batch, Progress).Terms["local"].item<float>();
        batch.HasLateral!.fill_(true);
        manual_seed(2);
        var allLateralExcluding = excluding.Loss(batch, Progress).Terms["local"].item<float>();
        manual_seed(2);
        var allLateralReleased = releasing.Loss(batch, Progress).Terms["local"].item<float>();

        Assert.NotEqual(excluded, released);
        Assert.Equal(allLateralExcluding, allLateralReleased);
    }

    [Fact]
    public void WithoutACompleteSequenceTheTemporalTermIsZero()
    {
        using var method = Create(1);
        using var batch = Batch(6, 3);

        var loss = method.Loss(batch, Progress);

        Assert.Equal(0f, loss.Terms["temporal"].item<float>());
    }

    /// <summary>The key layout of a MedST Lightning checkpoint (anchors §4.7), built from a model's own tensors.</summary>
    private static List<KeyValuePair<string, Tensor>> LightningLayout(MedstMethod source, bool mgca)
    {
        string[][] renames =
        [
            ["image_encoder.", "img_encoder_q.model."], ["image_global.", "img_encoder_q.global_embed."], ["image_local.", "img_encoder_q.local_embed."],
            ["text_encoder.bert.", "text_encoder_q.model."], ["text_global.", "text_encoder_q.global_embed."], ["text_local.", "text_encoder_q.local_embed."],
            ["word_weighting.", "word_element_wise_multi_head."], ["patch_weighting.", "patch_element_wise_multi_head."],
        ];
        var entries = new List<KeyValuePair<string, Tensor>>();
        foreach (var (key, value) in source.state_dict())
        {
            if (key.Contains("token_type_embeddings", StringComparison.Ordinal) ||
                (mgca && (key.Contains("_l.", StringComparison.Ordinal) || key.Contains("_weighting.", StringComparison.Ordinal))))
                continue;
            var rename = renames.First(r => key.StartsWith(r[0], StringComparison.Ordinal));
            var name = rename[1] + key[rename[0].Length..];
            // The local heads are Conv1d(k=1) in MGCA and MedST.
            var conv = name.Contains("local_embed.head.0.weight", StringComparison.Ordinal) || name.Contains("local_embed.head.3.weight", StringComparison.Ordinal);
            entries.Add(new(name, conv ? value.unsqueeze(-1) : value));
        }
        entries.Add(new("img_encoder_q.global_embed_la.head.0.weight", zeros(4, 4)));
        entries.Add(new("img_encoder_q.local_embed_la.head.0.weight", zeros(4, 4, 1)));
        entries.Add(new("patch_local_atten_layer.in_proj_weight", zeros(48, 16)));
        entries.Add(new("word_local_atten_layer.out_proj.weight", zeros(16, 16)));
        entries.Add(new("text_encoder_q.model.embeddings.position_ids", arange(512).unsqueeze(0)));
        entries.Add(new("text_encoder_q.model.encoder.layer.0.crossattention.self.query.weight", zeros(32, 32)));
        if (mgca)
            entries.Add(new("prototype_layer.weight", zeros(500, 16)));
        return entries;
    }

    [Fact]
    public void LoadsAMedstLightningCheckpointWithEveryWeight()
    {
        using var scope = NewDisposeScope();
        using var source = Create(1);
        using var target = Create(2);
        using var weights = StateDict.Borrow(LightningLayout(source, mgca: false));

        var report = target.Initialise(weights, "medst.ckpt");

        var expected = source.state_dict();
        foreach (var (key, value) in target.state_dict())
        {
            var want = key.Contains("token_type_embeddings", StringComparison.Ordinal) ? zeros_like(value) : expected[key];
            Assert.True(value.allclose(want, rtol: 0, atol: 0), key);
        }
        Assert.Equal(["text_encoder.bert.embeddings.token_type_embeddings.weight"], report.AllowedMissing);
    }

    [Fact]
    public void FromAnMgcaCheckpointTheLateralExpertsStartAsTheFrontalOnes()
    {
        using var scope = NewDisposeScope();
        using var source = Create(1);
        using var target = Create(2);
        using var weights = StateDict.Borrow(LightningLayout(source, mgca: true));

        target.Initialise(weights, "mgca.ckpt");

        var state = target.state_dict();
        Assert.True(state["image_encoder.blocks.3.mlp_l.fc1.weight"].allclose(source.state_dict()["image_encoder.blocks.3.mlp.fc1.weight"], rtol: 0, atol: 0));
        Assert.True(state["image_encoder.blocks.3.norm2_l.bias"].allclose(source.state_dict()["image_encoder.blocks.3.norm2.bias"], rtol: 0, atol: 0));
        Assert.True(state["image_global.head.1.running_mean"].allclose(source.state_dict()["image_global.head.1.running_mean"], rtol: 0, atol: 0));
    }

    [Fact]
    public void AnUnknownCheckpointKeyFailsTheLoad()
    {
        using var scope = NewDisposeScope();
        using var source = Create(1);
        using var target = Create(2);
        var entries = LightningLayout(source, mgca: false);
        entries.Add(new("img_encoder_q.model.head.weight", zeros(2, 32)));
        using var weights = StateDict.Borrow(entries);

        var error = Assert.Throws<StateDictLoadException>(() => target.Initialise(weights, "odd.ckpt"));

        Assert.Contains("image_encoder.head.weight", error.Message);
    }
}
