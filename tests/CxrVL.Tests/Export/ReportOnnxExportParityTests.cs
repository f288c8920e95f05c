using System.Text.Json.Nodes;
using CxrVL.Configuration;
using CxrVL.Data.Loading;
using CxrVL.Export;
using CxrVL.Files;
using CxrVL.Generation.Decoding;
using CxrVL.Imaging;
using CxrVL.Methods.R2Gen;
using CxrVL.Methods.XProNet;
using CxrVL.Serving;
using CxrVL.Tasks.ReportGeneration;
using CxrVL.Tests.Cli;
using CxrVL.Tests.Data.Builders;
using CxrVL.Tests.Imaging;
using CxrVL.Text;
using CxrVL.Weights;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CxrVL.Tests.Export;

/// <summary>
/// The report generator exported by <c>cxrvl export onnx --part rrg</c>, run by ONNX Runtime, decodes the reports the
/// TorchSharp model decodes: a tiny XProNet and a tiny R2Gen trained briefly on the real COVID-19 radiographs and notes
/// (40 steps: they write the notes' frequent words and punctuation, the same sentence for most studies, with
/// image-dependent probabilities), 8 test studies, the same words greedily and by beam search, and every next-word
/// distribution along the way to 1e-4; and an untrained two-view model of each, with and without the lateral view.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class ReportOnnxExportParityTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cxrvl-onnx-rrg-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("xpronet")]
    [InlineData("r2gen")]
    public void ReportsThroughTheExportedGraphsEqualTheModels(string method)
    {
        var manifest = Path.Combine(_root, "covid.jsonl");
        var build = CliRunner.Run("data", "build", "covid-chestxray", "--root", DataRoots.Dataset("covid-chestxray"), "--out", manifest);
        Assert.True(build.Code == 0, build.Error);
        var run = Path.Combine(_root, method);
        // Each method's own keys: the prototypes (shape, random start) for xpronet, the relational memory's width and heads for r2gen.
        string[] own = method == "xpronet"
            ? ["--set", "model.d_txt=8", "--set", "model.num_prototypes=3", "--set", "model.topk=4", "--set", "model.prototype_init=random"]
            : ["--set", "model.rm_d_model=32", "--set", "model.rm_num_heads=4"];
        var train = CliRunner.Run(["rrg", "train", "--method", method, "--data", manifest, "--out", run, "--config", "rrg/small", "--config", "rrg/covid-notes",
            "--set", "model.num_layers=1", "--set", "model.d_model=32", "--set", "model.d_ff=64", "--set", "model.num_heads=4", .. own,
            "--set", "model.visual_extractor_frozen=true", "--set", "decoding.max_length=12", "--set", "train.batch_size=16",
            "--set", "train.max_steps=40", "--set", "train.optimizer.lr=3e-3", "--set", "train.val_every=0", "--set", "train.log_every=40"]);
        Assert.True(train.Code == 0, train.Error + train.Output);
        var export = CliRunner.Run("export", "onnx", "--checkpoint", run, "--part", "rrg", "--out", Path.Combine(run, "onnx", "rrg.onnx"));
        Assert.True(export.Code == 0, export.Error);
        output.WriteLine(export.Output);
        var card = File.ReadAllText(Path.Combine(run, ModelCard.FileName));
        Assert.Contains($"method: `{method}` (report generation)", card);
        Assert.Contains("Dataset `covid-chestxray`", card);

        using var torchGenerator = ReportGenerator.Load(run, CPU);
        Assert.Contains($"sha256 `{FileHash.Sha256(torchGenerator.Weights)}`", card);
        using var onnxGenerator = OnnxReportGenerator.Load(run);
        using var noGrad = no_grad();
        using var images = TestStudies(manifest, torchGenerator, 8);
        using var torchContext = torchGenerator.Encode(images, null);
        using var onnxContext = onnxGenerator.Encode(images, null);

        foreach (var strategy in new[] { DecodingStrategy.Greedy, DecodingStrategy.Beam })
        {
            var decoding = new DecodingConfig { Strategy = strategy, BeamSize = 3, MaxLength = torchGenerator.Config.Decoding.MaxLength, BlockTrigrams = true };
            var expected = SequenceDecoder.Decode(torchContext, decoding);
            var actual = SequenceDecoder.Decode(onnxContext, decoding);
            for (var i = 0; i < expected.Count; i++)
            {
                output.WriteLine($"{method} {strategy} study {i}: {expected[i].LogProbability:F5} vs {actual[i].LogProbability:F5}: {torchGenerator.Vocabulary.Decode(expected[i].Words)}");
                Assert.Equal(expected[i].Words, actual[i].Words);
                Assert.True(Math.Abs(expected[i].LogProbability - actual[i].LogProbability) <= 1e-4,
                            $"study {i}: summed log-probabilities {expected[i].LogProbability} and {actual[i].LogProbability}");
            }
            if (strategy == DecodingStrategy.Greedy)
            {
                // The briefly trained model writes sentences of several words, and how sure it is of them depends on the image.
                Assert.All(expected, report => Assert.True(report.Words.Distinct().Count() > 3));
                Assert.True(expected.Select(report => Math.Round(report.LogProbability, 3)).Distinct().Count() > 1, "every study scored the same");
                Assert.True(MaxStepDifference(torchContext, onnxContext, expected) <= 1e-4);
            }
        }
    }

    [Theory]
    [InlineData("xpronet")]
    [InlineData("r2gen")]
    public void TwoViewStudiesWithAMissingLateralDecodeAsTheModel(string method)
    {
        var run = TinyReportRun(Path.Combine(_root, $"{method}-pair"), method);
        var export = CliRunner.Run("export", "onnx", "--checkpoint", run, "--part", "rrg", "--out", Path.Combine(run, "onnx", "rrg.onnx"));
        Assert.True(export.Code == 0, export.Error);
        using var torchGenerator = ReportGenerator.Load(run, CPU);
        using var onnxGenerator = OnnxReportGenerator.Load(run);
        Assert.Equal(2, onnxGenerator.Views);
        using var noGrad = no_grad();

        // Four studies of two real radiographs each; the second and fourth lack their lateral view (zeros, marked absent).
        var pipeline = torchGenerator.Pipeline();
        var paths = TestImages.Covid19(8);
        var pixels = new float[paths.Count * pipeline.PixelCount];
        for (var i = 0; i < paths.Count; i++)
        {
            if (i % 4 != 3)
                pipeline.Load(paths[i], new TransformRandom(0), pixels.AsSpan(i * pipeline.PixelCount, pipeline.PixelCount));
        }
        var recipe = pipeline.Recipe;
        using var images = tensor(pixels, [4, 2, recipe.Channels, recipe.Size, recipe.Size]);
        using var present = tensor(new[] { true, true, true, false, true, true, true, false }, [4, 2]);
        using var torchContext = torchGenerator.Encode(images, present);
        using var onnxContext = onnxGenerator.Encode(images, present);
        var decoding = new DecodingConfig { Strategy = DecodingStrategy.Greedy, MaxLength = 8, BlockTrigrams = false };
        var expected = SequenceDecoder.Decode(torchContext, decoding);
        var actual = SequenceDecoder.Decode(onnxContext, decoding);
        Assert.Equal(expected.Select(r => r.Words), actual.Select(r => r.Words));
        Assert.True(MaxStepDifference(torchContext, onnxContext, expected) <= 1e-4);
    }

    /// <summary>
    /// An rrg run folder of an untrained two-view model (ResNet-18 at the 128 px <c>small</c> recipe, a 1-layer 32-wide
    /// transformer) over a word vocabulary of real IU report sentences: config.yaml, vocabulary.json and one checkpoint.
    /// </summary>
    private static string TinyReportRun(string run, string method)
    {
        var model = ReportGenerationMethods.NewConfig(method);
        var config = new RrgConfig { Model = model };
        config.Data.ImageRecipe = "small";
        config.Data.Views = StudyViews.Pair;
        (model.VisualExtractor, model.VisualExtractorInit, model.DModel, model.DFf, model.NumHeads, model.NumLayers) = ("resnet18", null, 32, 64, 4, 1);
        if (model is XProNetConfig xpronet)
            (xpronet.DTxt, xpronet.NumPrototypes, xpronet.Topk) = (8, 3, 4);
        if (model is R2GenConfig r2gen)
            (r2gen.RmDModel, r2gen.RmNumHeads, r2gen.RmNumSlots) = (32, 4, 3);
        var checkpoint = Path.Combine(run, "checkpoints", "best");
        Directory.CreateDirectory(checkpoint);
        File.WriteAllText(Path.Combine(run, "config.yaml"), ConfigLoader.ToYaml(config));
        var vocabulary = WordVocabulary.Build(IuReportTexts.FindingsSentences(64).Select(s => s.ToLowerInvariant()), 1);
        vocabulary.Save(Path.Combine(run, ReportTraining.VocabularyFile));
        manual_seed(5);
        using var built = ReportGenerationMethods.Create(model, vocabulary.VocabularySize, views: 2);
        SafeTensors.Write(Path.Combine(checkpoint, "model.safetensors"), StateDict.Borrow(built.Model));
        return run;
    }

    /// <summary>
    /// The largest difference of the two contexts' next-word log-probabilities over every prefix of the greedy reports,
    /// all studies at once, the shorter reports padded with id 0 (which the decoders must mask).
    /// </summary>
    private double MaxStepDifference(IDecodingContext expected, IDecodingContext actual, IReadOnlyList<DecodedReport> reports)
    {
        var longest = reports.Max(r => r.Words.Count);
        var worst = 0.0;
        using var studies = arange(reports.Count, ScalarType.Int64);
        for (var length = 1; length <= longest + 1; length++)
        {
            using var scope = NewDisposeScope();
            var prefixes = new long[reports.Count * length];
            for (var r = 0; r < reports.Count; r++)
            {
                for (var i = 1; i < length && i - 1 < reports[r].Words.Count; i++)
                    prefixes[r * length + i] = reports[r].Words[i - 1];
            }
            var ids = tensor(prefixes, [reports.Count, length]);
            var difference = (expected.NextLogProbs(ids, studies) - actual.NextLogProbs(ids, studies)).abs().max().item<float>();
            Assert.True(float.IsFinite(difference));
            worst = Math.Max(worst, difference);
        }
        output.WriteLine($"next-word log-probabilities over {longest + 1} prefix lengths x {reports.Count} studies: max |torch - onnx| {worst:E2}");
        return worst;
    }

    /// <summary>The first image of the manifest's first <paramref name="count"/> test studies as the model reads them, [count, C, H, W].</summary>
    private static Tensor TestStudies(string manifest, IReportGenerator generator, int count)
    {
        var root = DataRoots.Dataset("covid-chestxray");
        var paths = File.ReadLines(manifest).Select(line => JsonNode.Parse(line)!.AsObject())
            .Where(row => (string?)row["split"] == "test")
            .Select(row => Path.Combine(root, (string)row["images"]![0]!["path"]!))
            .Take(count).ToList();
        Assert.Equal(count, paths.Count);
        var pipeline = generator.Pipeline();
        var recipe = pipeline.Recipe;
        var pixels = new float[count * pipeline.PixelCount];
        for (var i = 0; i < count; i++)
            pipeline.Load(paths[i], new TransformRandom(0), pixels.AsSpan(i * pipeline.PixelCount, pipeline.PixelCount));
        return tensor(pixels, [count, recipe.Channels, recipe.Size, recipe.Size]);
    }
}
