using System.Text.Json;
using CxrVL.Generation;
using CxrVL.Methods.XProNet;
using CxrVL.Models;
using CxrVL.Runs;
using CxrVL.Tasks.ReportGeneration;
using CxrVL.Tests.Imaging;
using CxrVL.Weights;
using CxrVL.Weights.Packages;
using static TorchSharp.torch;

namespace CxrVL.Tests.Tasks.ReportGeneration;

/// <summary>
/// A report generator's initial weights: a whole XProNet checkpoint as the seed's trainer saves it, written by python3-torch
/// under the seed's names (torchvision's children numbered in an nn.Sequential, the textual fuse_feature inside the
/// Transformer, heads the seed never uses), loads into exactly those values, only the image classifier the seed lacks
/// starting new; a vocabulary of another size is one error naming both sizes. The visual extractor alone takes the
/// package ResNet-18 by name with its 2-2-2-3 blocks.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class ReportModelInitTests : IDisposable
{
    private const int Vocabulary = 40;
    private readonly string _folder = TestImages.TempFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static XProNetConfig Small() => new()
    {
        VisualExtractor = "resnet18", DModel = 32, DFf = 32, NumHeads = 4, NumLayers = 2, NumClasses = 14, NumPrototypes = 2, DTxt = 8, Topk = 2,
    };

    [Fact]
    public void AReleasedXProNetCheckpointLoadsByTheSeedsNamesWithExactlyItsValues()
    {
        var path = Path.Combine(_folder, "model_iu_xray.pth");
        var sums = JsonDocument.Parse(PythonReference.Run(PythonReference.Script("Tasks/ReportGeneration/reference/xpronet_checkpoint.py"),
            path, $"{Vocabulary}", "32", "2", $"{14 * 2}", "8")).RootElement;
        using var model = new XProNetModel(Small(), Vocabulary, views: 1);
        using var run = RunFolder.Create("init", Path.Combine(_folder, "run"), console: TextWriter.Null);

        var report = ReportModelInit.LoadModel(model, path, Vocabulary, run.Log);

        var state = model.state_dict();
        foreach (var key in sums.EnumerateObject())
        {
            if (report.Dropped.Contains(key.Name))
                continue;
            var name = ReportModelInit.SeedKeyMap.Map(key.Name)!;
            Assert.Equal(key.Value.GetDouble(), TensorChecksum.Of(state[name]), 6);
        }
        Assert.Equal(12, report.Dropped.Count);
        Assert.All(report.Dropped, k => Assert.Matches(@"^encoder_decoder\.(img|txt)_(cls_head|dim_reduction)\.", k));
        Assert.Equal(["label_head.bias", "label_head.weight"], report.AllowedMissing.Order(StringComparer.Ordinal));
        Assert.Contains("not used: encoder_decoder.img_cls_head.0.weight", File.ReadAllText(Path.Combine(_folder, "run", "log.txt")));

        using var other = new XProNetModel(Small(), Vocabulary + 5, views: 1);
        var error = Assert.Throws<CxrVLException>(() => ReportModelInit.LoadModel(other, path, Vocabulary + 5, run.Log));
        Assert.Contains($"predicts {Vocabulary - 1} words", error.Message);
        Assert.Contains($"has {Vocabulary + 4}", error.Message);
    }

    [Fact]
    public void TheVisualExtractorTakesThePackageResNetByNameWithItsBlocks()
    {
        var config = Small();
        config.VisualExtractorInit = "resnet18-imagenet";
        var encoder = ReportModelInit.ReadVisualExtractor(config, seed: 0)!;
        Assert.Equal([2, 2, 2, 3], config.VisualExtractorLayers);
        using var model = new XProNetModel(config, Vocabulary, views: 1);
        ReportModelInit.LoadVisualExtractor(model, encoder, "resnet18-imagenet");
        encoder.Module.Dispose();

        using var expected = CheckpointReader.Read(PackageWeights.Resolve("resnet18-imagenet").ModelFile);
        var state = model.state_dict();
        foreach (var (name, value) in expected)
            Assert.True(value.allclose(state["visual_extractor.model." + name], rtol: 0, atol: 0), name);
        Assert.Equal(expected.Count, state.Keys.Count(k => k.StartsWith("visual_extractor.model.", StringComparison.Ordinal)));

        config.VisualExtractor = "resnet50";
        config.VisualExtractorLayers = [];
        var error = Assert.Throws<CxrVLException>(() => ReportModelInit.ReadVisualExtractor(config, seed: 0));
        Assert.Contains("set model.visual_extractor to the file's family", error.Message);
    }

    [Fact]
    public void TheFullRecipesNameTheSeedsResNet101AndWhereTorchvisionPublishesIt()
    {
        foreach (var method in new[] { "xpronet", "r2gen" })
        {
            var config = RrgRecipes.Load([CxrVL.Configuration.RecipeLocator.Resolve($"rrg/{method}")]);
            var error = Assert.Throws<CxrVLException>(() => ReportModelInit.ReadVisualExtractor(config.Model, seed: 0));
            Assert.StartsWith("model.visual_extractor_init: this recipe starts from torchvision's ImageNet ResNet-101", error.Message);
            Assert.Contains("'resnet101-imagenet.pth'", error.Message);
            Assert.Contains("ResNet101_Weights.IMAGENET1K_V1", error.Message);
        }
    }
}
