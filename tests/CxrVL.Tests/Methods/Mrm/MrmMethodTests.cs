using CxrVL.Tests.Precision;
using CxrVL.Methods.Encoders;
using CxrVL.Methods.Mrm;
using CxrVL.Models;
using CxrVL.Tests.Models;
using CxrVL.Training;
using CxrVL.Weights;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CxrVL.Tests.Methods.Mrm;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class MrmMethodTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-mrm-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static MrmModelConfig Config(string backbone, int decoderDim, int textHidden) => new()
    {
        Image = new ImageEncoderConfig { Backbone = backbone, ImageSize = 224 },
        Text = new TextEncoderConfig { Layers = 1, Hidden = textHidden, Heads = 2, Intermediate = 2 * textHidden, MaxLength = 100 },
        Mrm = new MrmConfig { DecoderDim = decoderDim, DecoderDepth = 1, DecoderHeads = 2 },
    };

    /// <summary>A 64 px encoder input predicting 32 px patches of the 128 px image: MRM's 2x geometry on a 4 x 4 grid.</summary>
    private static MrmModelConfig TwoTimesGeometry()
    {
        var config = Config("vit_t16", 64, 32);
        config.Image.ImageSize = 64;
        config.Text.MaxLength = 16;
        config.Mrm.TargetImageSize = 128;
        return config;
    }

    private static BertConfig Text(MrmModelConfig config, int vocabulary) =>
        TextEncoder.Configure(config.Text, vocabulary);

    [Fact]
    public void ForwardFollowsTheShapeWalkthrough()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var config = Config("vit_t16", 64, 32);
        using var method = new MrmMethod(config, Text(config, 50));
        method.eval();
        var (images, text) = Batch(448, 100, 50);
        using var noGrad = no_grad();

        var (imageLoss, reportLoss, details) = method.Forward(images, text);

        Assert.Equal(32, method.TargetPatch);
        Assert.Equal([2, 3, 448, 448], details.Reconstruction.shape);
        Assert.Equal([2, 196], details.PatchMask.shape);
        Assert.Equal([2, 100, 50], details.Logits.shape);
        // The untrained decoder predicts ~0 for unit-variance targets, the untrained MLM ~uniform over the vocabulary.
        Assert.InRange(imageLoss.item<float>(), 0.5, 3);
        Assert.InRange(reportLoss.item<float>(), Math.Log(50) - 1.5, Math.Log(50) + 1.5);
        var state = method.state_dict();
        Assert.Equal([100L, 32], state["bert_encoder.model.bert.embeddings.position_embeddings.weight"].shape);
        Assert.Equal([3072L, 64], state["decoder_pred.weight"].shape);
        Assert.Equal([32L, 192], state["bert_mlp.weight"].shape);
        Assert.DoesNotContain(state.Keys, k => k.Contains("pooler", StringComparison.Ordinal));
    }

    [Fact]
    public void AMethodConvertedToAnotherDtypeDecodesWithItsConvertedParameters()
    {
        // Moving a module to a GPU or another dtype replaces its own parameters and disposes the old ones; float64 stands
        // in for CUDA on this machine. The decoder must read MRM's mask token and positions as they are after the move.
        using var scope = NewDisposeScope();
        manual_seed(3);
        var config = Config("vit_t16", 64, 32);
        using var method = new MrmMethod(config, Text(config, 50));
        method.eval();
        method.to(ScalarType.Float64);
        var (images, text) = Batch(448, 100, 50);
        using var noGrad = no_grad();

        var (imageLoss, reportLoss, details) = method.Forward(images.to(ScalarType.Float64), text);

        Assert.Equal(ScalarType.Float64, details.Reconstruction.dtype);
        Assert.True(double.IsFinite(imageLoss.item<double>()) && double.IsFinite(reportLoss.item<double>()));
    }

    [Fact]
    public void BfloatMixedStepIsCloseToTheFloat32One()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var config = TwoTimesGeometry();
        using var method = new MrmMethod(config, Text(config, 30));
        var (images, text) = Batch(128, 16, 30);
        var progress = new TrainingProgress(0, "train", 0, 0, 1, 0, new Dictionary<string, double>());

        var outcome = MixedPrecisionCheck.Compare(method, () => method.Loss(new AlignmentBatch(images.alias(), text, [0, 1]), progress));

        MixedPrecisionCheck.AssertClose(outcome, "mrm", output);
    }

    [Fact]
    public void BothLossesFallWhenOneBatchIsTrainedOn()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var config = TwoTimesGeometry();
        using var method = new MrmMethod(config, Text(config, 30));
        var (images, text) = Batch(128, 16, 30);
        var optimizer = TorchSharp.torch.optim.AdamW(method.parameters(), lr: 3e-3);
        var progress = new TrainingProgress(0, "train", 0, 0, 1, 0, new Dictionary<string, double>());
        method.train();
        var losses = new List<(float Image, float Report)>();
        for (var step = 0; step < 15; step++)
        {
            using var stepScope = NewDisposeScope();
            // The same masks every step, so the model can fit this batch.
            manual_seed(100);
            optimizer.zero_grad();
            var loss = method.Loss(new AlignmentBatch(images.alias(), text, [0, 1]), progress);
            loss.Total.backward();
            optimizer.step();
            losses.Add((loss.Terms["image"].item<float>(), loss.Terms["report"].item<float>()));
        }
        output.WriteLine($"image {losses[0].Image:0.000} -> {losses[^1].Image:0.000}, report {losses[0].Report:0.000} -> {losses[^1].Report:0.000}");
        Assert.True(losses[^1].Image < 0.8 * losses[0].Image);
        Assert.True(losses[^1].Report < losses[0].Report - 0.5);
    }

    /// <summary>Two smooth images (learnable targets) and reports of consecutive ids after a [CLS], one word per token.</summary>
    private static (Tensor Images, TextInput Text) Batch(int size, int length, int vocabulary)
    {
        var ramp = linspace(-1, 1, size);
        var image = (ramp.unsqueeze(0) * ramp.unsqueeze(1)).sin();
        var images = stack([image.expand(3, -1, -1), image.t().expand(3, -1, -1)]).contiguous();
        var ids = (arange(length) % (vocabulary - 4) + 4).expand(2, length).clone();
        ids[.., 0] = 2;
        var words = arange(-1, length - 1).expand(2, length).clone();
        return (images, new TextInput(ids, ones(2, length, dtype: ScalarType.Int64), words));
    }

    [Fact]
    public void TorchvisionVitLoadsStrictlyIntoTheEncoderAndReproducesPyTorch()
    {
        using var scope = NewDisposeScope();
        PythonReference.Run(ModelReference.Script, "vit_b_16", _directory);
        using var weights = CheckpointReader.Read(Path.Combine(_directory, "weights.pt"));
        using var io = CheckpointReader.Read(Path.Combine(_directory, "io.pt"));
        var config = Config("vit_b16", 64, 32);
        using var method = new MrmMethod(config, Text(config, 40));

        var report = method.Initialise(weights, "weights.pt");

        Assert.Empty(report.Missing);
        Assert.Empty(report.Unexpected);
        Assert.Equal(["heads.head.weight", "heads.head.bias"], report.Dropped);
        Assert.Equal(method.Encoder.state_dict().Count, report.Loaded.Count);
        Assert.Contains(report.AllowedMissing, k => k.StartsWith("decoder_", StringComparison.Ordinal));
        method.eval();
        using var noGrad = no_grad();
        var tokens = method.Encoder.forward(io["input"]).Tokens;
        var difference = (tokens - io["tokens"]).abs().max().item<float>();
        output.WriteLine($"encoder tokens: max |difference| {difference:0.0e+0}");
        Assert.True(difference < 1e-4);
        // The masked path with nothing removed gives the same tokens once the shuffle is undone.
        var all = method.Encoder.ForwardMasked(io["input"], 0.0);
        var restored = all.Tokens[.., 1..].gather(1, all.RestoreIndices.unsqueeze(-1).expand(-1, -1, 768));
        Assert.True((restored - io["tokens"][.., 1..]).abs().max().item<float>() < 1e-4);
    }

    [Fact]
    public void AnMrmCheckpointWrittenByTorchUnderTheOriginalKeysLoadsStrictly()
    {
        // The original's complete key list (pooler, position_ids, tied decoder weight and bias), written by python3-torch.
        var path = Path.Combine(_directory, "MRM.pth");
        Assert.Equal("203", PythonReference.Run(PythonReference.Script("Methods/Mrm/reference/mrm_checkpoint.py"), path).Trim());
        var config = Config("vit_t16", 64, 32);
        using var method = new MrmMethod(config, Text(config, 40));
        using var state = CheckpointReader.Read(path);
        var report = method.Initialise(state, path);
        Assert.Empty(report.AllowedMissing);
        Assert.Equal(
            ["bert_encoder.model.bert.embeddings.position_ids", "bert_encoder.model.bert.pooler.dense.bias", "bert_encoder.model.bert.pooler.dense.weight",
             "bert_encoder.model.cls.predictions.decoder.bias", "bert_encoder.model.cls.predictions.decoder.weight"],
            report.Dropped.Order(StringComparer.Ordinal));
        Assert.True(method.state_dict()["bert_mlp.weight"].equal(state["bert_mlp.weight"]).all().item<bool>());
    }

    [Fact]
    public void AnEncoderOnlyCheckpointLeavesTheRestFreshAndAnyOtherMissingKeyFails()
    {
        // The encoder part of the checkpoint written by python3-torch under MRM-pytorch's key list, as MAE's
        // mae_pretrain_vit_base.pth holds it: timm names at the top level, no decoder, mask token or report model.
        var path = Path.Combine(_directory, "MRM.pth");
        PythonReference.Run(PythonReference.Script("Methods/Mrm/reference/mrm_checkpoint.py"), path);
        var config = Config("vit_t16", 64, 32);
        using var method = new MrmMethod(config, Text(config, 40));
        using var full = CheckpointReader.Read(path);
        var encoderOnly = full.Where(p => !p.Key.StartsWith("decoder_", StringComparison.Ordinal) && !p.Key.StartsWith("bert_", StringComparison.Ordinal)
                                          && p.Key != "mask_token").ToDictionary(p => p.Key, p => p.Value);
        Assert.Contains("blocks.11.attn.qkv.weight", encoderOnly.Keys);
        var decoderBefore = method.state_dict()["decoder_pred.weight"].clone();

        using (var state = StateDict.Borrow(encoderOnly))
        {
            var report = method.Initialise(state, "mae_pretrain_vit_base.pth");
            Assert.Contains("decoder_pred.weight", report.AllowedMissing);
            Assert.Contains("bert_mlp.weight", report.AllowedMissing);
            Assert.DoesNotContain(report.AllowedMissing, k => k.StartsWith("encoder.", StringComparison.Ordinal));
        }
        Assert.True(method.state_dict()["encoder.norm.weight"].equal(full["norm.weight"]).all().item<bool>());
        Assert.True(method.state_dict()["decoder_pred.weight"].equal(decoderBefore).all().item<bool>());
        // Anything else missing is still an error.
        encoderOnly.Remove("norm.bias");
        using (var state = StateDict.Borrow(encoderOnly))
            Assert.Contains("norm.bias", Assert.Throws<StateDictLoadException>(() => method.Initialise(state, "partial.pth")).Message);
    }
}
