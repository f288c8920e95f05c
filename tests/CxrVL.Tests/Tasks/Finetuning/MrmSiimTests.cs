using System.Text.Json;
using CxrVL.Models;
using CxrVL.Models.Downstream;
using CxrVL.Tasks.Finetuning;
using CxrVL.Training.Optimizers;
using CxrVL.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tests.Tasks.Finetuning;

/// <summary>
/// MRM's SIIM segmentation parts against references written from BEiT's and MMSegmentation's formulas
/// (<c>reference/mrm_siim_reference.py</c>, PyTorch 1.13) and against hand-derived layer ids.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class MrmSiimTests : IDisposable
{
    private static readonly string Script = PythonReference.Script("Tasks/Finetuning/reference/mrm_siim_reference.py");
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-mrm-siim-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(3, 3)]
    [InlineData(2, 3)]
    [InlineData(5, 4)]
    public void RelativePositionIndexIsBeits(int height, int width)
    {
        using var document = JsonDocument.Parse(PythonReference.Run(Script, "index", $"{height}", $"{width}"));
        var expected = document.RootElement.EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
        using var index = VitAttention.RelativePositionIndex(height, width);
        Assert.Equal(new long[] { height * width + 1, height * width + 1 }, index.shape);
        for (var i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], index[i].data<long>().ToArray());
    }

    [Fact]
    public void BeitBlockWithMmsegNamesEqualsTheReferenceBlock()
    {
        using var scope = NewDisposeScope();
        PythonReference.Run(Script, "block", _directory);
        using var weights = CheckpointReader.Read(Path.Combine(_directory, "block_weights.pt"));
        using var io = CheckpointReader.Read(Path.Combine(_directory, "block_io.pt"));
        // A 48-pixel image in 16-pixel patches: the reference's 3 x 3 grid.
        var config = new VisionTransformerConfig { EmbedDim = 32, Depth = 1, Heads = 4, ImageSize = 48, RelativePositionBias = true, LayerScaleInit = 0.1 };
        using var block = new VitBlock(config);
        var report = StateDictLoader.Load(block, weights, VitKeyMaps.Mmseg.StripPrefix("blocks.0."), source: "block_weights.pt");
        Assert.Equal(["blocks.0.attn.relative_position_index"], report.Dropped);
        block.eval();
        using var noGrad = no_grad();
        var output = block.forward(io["input"]);
        var difference = (output - io["output"]).abs().max().item<float>();
        Assert.True(difference < 1e-5, $"max difference {difference}");

        // The bias table is read: zeroing it changes the output.
        foreach (var (name, parameter) in block.named_parameters().Where(p => p.name.EndsWith("relative_position_bias_table", StringComparison.Ordinal)))
            parameter.zero_();
        Assert.True((block.forward(io["input"]) - io["output"]).abs().max().item<float>() > 1e-3);
    }

    [Fact]
    public void FocalAndClassWeightedDiceEqualTheReference()
    {
        using var scope = NewDisposeScope();
        PythonReference.Run(Script, "losses", _directory);
        using var io = CheckpointReader.Read(Path.Combine(_directory, "losses_io.pt"));
        var (logits, classes) = (io["logits"], io["classes"].to(int64));
        Assert.Equal(io["focal"].item<float>(), DenseLosses.ClassFocal(logits, classes, 0.5, 2.0).item<float>(), 6);
        Assert.Equal(io["dice_weighted"].item<float>(), DenseLosses.ClassDice(logits, classes, [0, 1]).item<float>(), 6);
        Assert.Equal(io["dice_unweighted"].item<float>(), DenseLosses.ClassDice(logits, classes, null).item<float>(), 6);
        // With weights [0, 1] the background's Dice is ignored but still counts in the divisor: half the label's term.
        Assert.True(DenseLosses.ClassDice(logits, classes, [0, 1]).item<float>() < DenseLosses.ClassDice(logits, classes, null).item<float>());
        var wrong = Assert.Throws<CxrVLException>(() => DenseLosses.ClassDice(logits, classes, [1]));
        Assert.Contains("1 given for 2 classes", wrong.Message);
    }

    [Fact]
    public void LayerDecayGivesMmsegsLayerIdsToTheBeitPartsAndHeads()
    {
        using var scope = NewDisposeScope();
        using var vit = new VisionTransformer(new VisionTransformerConfig
        {
            EmbedDim = 16, Depth = 12, Heads = 2, ImageSize = 32, RelativePositionBias = true, LayerScaleInit = 1.0,
        });
        var training = new EncoderTraining(new EncoderFeatures(vit, [4, 6, 8, 12]), FinetuneMode.Full, 0);
        using var method = new SegmentationMethod(training, 1,
            new FinetuneHeadConfig { Channels = 8, BackgroundClass = true, AuxiliaryWeight = 0.4, AuxiliaryChannels = 4 });
        var groups = OptimizerFactory.Group(new OptimizerConfig { Lr = 2e-5, WeightDecay = 0.05, LayerDecay = 0.65 },
            method.named_parameters(), method.LayerId, method.LayerCount);
        (double Decay, double Scale) Of(string name) =>
            groups.Where(g => g.Parameters.Any(p => p.Name == name)).Select(g => (g.WeightDecay, g.LrScale)).Single();

        // MMSeg's get_layer_id_for_vit with num_layers 12 + 2: embeddings 0, block i i + 1, the rest 13; the scale is
        // 0.65^(13 - id). Its no-decay rule takes 1-D tensors and biases; it compares 'pos_embed' and 'cls_token' with the
        // prefixed names ('backbone.pos_embed'), which never match, so both decay.
        var embeddings = Math.Pow(0.65, 13);
        Assert.Equal((0.05, embeddings), Of("encoder.cls_token"), Close);
        Assert.Equal((0.05, embeddings), Of("encoder.pos_embed"), Close);
        Assert.Equal((0.05, embeddings), Of("encoder.patch_embed.proj.weight"), Close);
        Assert.Equal((0.0, embeddings), Of("encoder.patch_embed.proj.bias"), Close);
        Assert.Equal((0.0, Math.Pow(0.65, 12)), Of("encoder.blocks.0.gamma_1"), Close);
        Assert.Equal((0.05, Math.Pow(0.65, 12)), Of("encoder.blocks.0.attn.relative_position_bias_table"), Close);
        Assert.Equal((0.0, Math.Pow(0.65, 6)), Of("encoder.blocks.6.gamma_2"), Close);
        Assert.Equal((0.05, 0.65), Of("encoder.blocks.11.mlp.fc2.weight"), Close);
        Assert.Equal((0.05, 1.0), Of("neck.fpn1.0.weight"), Close);
        Assert.Equal((0.0, 1.0), Of("head.conv_seg.bias"), Close);
        Assert.Equal((0.05, 1.0), Of("auxiliary_head.convs.0.conv.weight"), Close);
        Assert.Equal((0.0, 1.0), Of("auxiliary_head.convs.0.bn.weight"), Close);

        var twoLabels = Assert.Throws<CxrVLException>(() => new SegmentationMethod(training, 2, new FinetuneHeadConfig { BackgroundClass = true }));
        Assert.Contains("data.mask_labels names 2", twoLabels.Message);
        var unread = Assert.Throws<CxrVLException>(() => new SegmentationMethod(training, 1, new FinetuneHeadConfig { DiceClassWeights = [0, 1] }));
        Assert.Contains("head.dice_class_weights", unread.Message);
    }

    private static readonly IEqualityComparer<(double, double)> Close = EqualityComparer<(double, double)>.Create(
        (a, b) => Math.Abs(a.Item1 - b.Item1) < 1e-12 && Math.Abs(a.Item2 - b.Item2) < 1e-12 * Math.Max(1, Math.Abs(b.Item2)));

    [Fact]
    public void AnMrmCheckpointLoadsIntoTheBeitEncoderWithFreshBeitPartsAndAResampledGrid()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        // A timm-named ViT at 32 px (2 x 2 grid) stands for MRM.pth's 224 px (14 x 14).
        using var pretrained = new VisionTransformer(VisionTransformerConfig.Tiny16() with { ImageSize = 32 });
        var file = Path.Combine(_directory, "mrm.safetensors");
        using (var state = StateDict.Borrow(pretrained))
            SafeTensors.Write(file, state);
        var loaded = EncoderLoader.Load(new FinetuneEncoderConfig
        {
            Source = file, Backbone = "vit_t16", ImageSize = 64, RelativePositionBias = true, LayerScale = 1.0,
        }, CPU, seed: 0);
        var vit = Assert.IsType<VisionTransformer>(loaded.Module);
        var parameters = vit.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var original = pretrained.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(new long[] { 1, 17, 192 }, parameters["pos_embed"].shape);
        Assert.True(parameters["pos_embed"][.., 0].allclose(original["pos_embed"][.., 0], rtol: 0, atol: 0));
        Assert.True(parameters["blocks.11.mlp.fc2.weight"].allclose(original["blocks.11.mlp.fc2.weight"], rtol: 0, atol: 0));
        // BEiT's table for a 4 x 4 grid: 7 x 7 + 3 rows, all zero; the layer scales at their initial 1.0.
        Assert.Equal(new long[] { 52, 3 }, parameters["blocks.0.attn.relative_position_bias_table"].shape);
        Assert.Equal(0, parameters["blocks.5.attn.relative_position_bias_table"].abs().sum().item<float>());
        Assert.True(parameters["blocks.3.gamma_2"].eq(1).all().item<bool>());

        var resnet = Assert.Throws<CxrVLException>(() => EncoderLoader.Build("resnet18", 3, 64, 0, relativePositionBias: true));
        Assert.Contains("encoder.relative_position_bias", resnet.Message);
    }
}
