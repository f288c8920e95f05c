using CxrVL.Configuration;
using CxrVL.Methods.Clip;
using CxrVL.Methods.Encoders;
using CxrVL.Methods.MedST;
using CxrVL.Methods.Mgca;
using CxrVL.Methods.Mrm;
using CxrVL.Methods.Prior;
using CxrVL.Models;
using CxrVL.Tasks.Finetuning;
using CxrVL.Tasks.Pretraining;
using CxrVL.Weights;
using CxrVL.Weights.Packages;
using static TorchSharp.torch;

namespace CxrVL.Tests.Tasks.Finetuning;

/// <summary>
/// <c>--encoder RUN</c> for every pretraining method: the fine-tuning encoder receives exactly the tensors of the
/// method's image backbone, wherever the method keeps it in its state dict, with the blocks per stage the run's encoder
/// had; <c>--encoder resnet18-imagenet</c> gives exactly the package weight's tensors (2-2-2-3 blocks, read from the file).
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class EncoderLoaderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cxrvl-encoder-loader-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>
    /// A run folder holding <paramref name="method"/>'s freshly initialised weights; returns its full state dict and the
    /// checkpoint's weights file.
    /// </summary>
    private (Dictionary<string, Tensor> State, string Weights) WriteRun(string method, string backbone, string run, List<int>? layers = null)
    {
        PretrainModelConfig section = method switch
        {
            "clip" => new ClipModelConfig { EmbedDim = 32 },
            "mgca" => new MgcaModelConfig { EmbedDim = 32, Mgca = new MgcaConfig { HiddenDim = 32 } },
            "medst" => new MedstModelConfig { EmbedDim = 32, Mgca = new MgcaTokenAlignmentConfig { HiddenDim = 32 } },
            "prior" => new PriorModelConfig { EmbedDim = 32, Prior = new PriorConfig { Prototypes = 8 } },
            "mrm" => new MrmModelConfig { Mrm = new MrmConfig { TargetImageSize = 128 } },
            _ => throw new ArgumentException($"no small run for {method}"),
        };
        section.Image.Backbone = backbone;
        section.Image.Layers = layers ?? [];
        section.Image.ImageSize = 64;
        section.Text.Layers = 1;
        section.Text.Hidden = 32;
        section.Text.Heads = 2;
        section.Text.Intermediate = 64;
        var config = new PretrainConfig { Model = section };
        var checkpoint = Path.Combine(run, "checkpoints", "step-000001");
        Directory.CreateDirectory(checkpoint);
        File.WriteAllText(Path.Combine(run, "config.yaml"), ConfigLoader.ToYaml(config));
        manual_seed(5);
        using var model = PretrainingMethods.BuiltIn.Create(config.Model, TextEncoder.Configure(config.Model.Text, 50));
        var state = model.Model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
        var weights = Path.Combine(checkpoint, "model.safetensors");
        SafeTensors.Write(weights, StateDict.Borrow(state));
        return (state, weights);
    }

    [Theory]
    [InlineData("clip", "resnet18", "image_encoder.backbone.")]
    [InlineData("prior", "resnet18", "image_encoder.encoder.")]
    [InlineData("medst", "vit_t16", "image_encoder.")]
    [InlineData("mrm", "vit_t16", "encoder.")]
    public void EveryMethodsRunGivesItsImageBackboneExactly(string method, string backbone, string prefix)
    {
        var run = Path.Combine(_root, method);
        var (written, weights) = WriteRun(method, backbone, run);

        var loaded = EncoderLoader.Load(new FinetuneEncoderConfig { Source = weights }, CPU, seed: 1);

        var tensors = loaded.Module.state_dict();
        Assert.NotEmpty(tensors);
        foreach (var (name, value) in tensors)
            Assert.True(value.allclose(written[prefix + name], rtol: 0, atol: 0), $"{method}: {name}");
        // MedST's lateral experts stay behind: the fine-tuned encoder is the single-view one.
        Assert.DoesNotContain(tensors.Keys, k => k.Contains("mlp_l", StringComparison.Ordinal));
    }

    [Fact]
    public void ARunWhoseResNetHasOtherBlocksPerStageGivesItsBackboneExactly()
    {
        var (written, weights) = WriteRun("clip", "resnet18", Path.Combine(_root, "clip-2223"), [2, 2, 2, 3]);

        var loaded = EncoderLoader.Load(new FinetuneEncoderConfig { Source = weights }, CPU, seed: 1);

        Assert.Equal([2, 2, 2, 3], ((ResNet)loaded.Module).Config.BlocksPerStage);
        foreach (var (name, value) in loaded.Module.state_dict())
            Assert.True(value.allclose(written["image_encoder.backbone." + name], rtol: 0, atol: 0), name);
    }

    [Fact]
    public void APackageWeightByNameGivesItsTensorsExactlyAndARandomEncoderTakesItsBlocks()
    {
        var loaded = EncoderLoader.Load(new FinetuneEncoderConfig { Source = "resnet18-imagenet", Backbone = "resnet18" }, CPU, seed: 1);

        // The file the name resolves to (extracted on first use; PackageWeightsParityTests checks it against ONNX Runtime).
        using var expected = CheckpointReader.Read(PackageWeights.Resolve("resnet18-imagenet").ModelFile);
        var tensors = loaded.Module.state_dict();
        Assert.Equal([2, 2, 2, 3], ((ResNet)loaded.Module).Config.BlocksPerStage);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), tensors.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, value) in tensors)
            Assert.True(value.allclose(expected[name], rtol: 0, atol: 0), name);

        var error = Assert.Throws<CxrVLException>(() => EncoderLoader.Load(new FinetuneEncoderConfig { Source = "resnet18-imagenet", Backbone = "resnet50" }, CPU, seed: 1));
        Assert.Contains("set encoder.backbone to the file's family", error.Message);
        var random = EncoderLoader.Load(new FinetuneEncoderConfig { Source = "random", Backbone = "resnet18", Layers = [2, 2, 2, 3] }, CPU, seed: 1);
        Assert.Equal([2, 2, 2, 3], ((ResNet)random.Module).Config.BlocksPerStage);
    }

    [Fact]
    public void AveragePoolingReplacesThePretrainedNormWithAFreshFcNorm()
    {
        var run = Path.Combine(_root, "mrm-average");
        var (written, weights) = WriteRun("mrm", "vit_t16", run);

        var loaded = EncoderLoader.Load(new FinetuneEncoderConfig { Source = weights, Pooling = VitPooling.Average }, CPU, seed: 1);

        var tensors = loaded.Module.state_dict();
        Assert.DoesNotContain("norm.weight", tensors.Keys);
        Assert.True(tensors["fc_norm.weight"].allclose(ones(tensors["fc_norm.weight"].shape), rtol: 0, atol: 0));
        Assert.True(tensors["blocks.0.attn.qkv.weight"].allclose(written["encoder.blocks.0.attn.qkv.weight"], rtol: 0, atol: 0));
        using var images = randn(2, 3, 64, 64);
        var vit = (VisionTransformer)loaded.Module;
        vit.eval();
        var features = vit.forward(images);
        var expected = nn.functional.layer_norm(features.Tokens[.., 1..].mean([1]), [vit.Config.EmbedDim], eps: vit.Config.LayerNormEps);
        Assert.True(features.Pooled.allclose(expected, atol: 1e-5));
    }
}
