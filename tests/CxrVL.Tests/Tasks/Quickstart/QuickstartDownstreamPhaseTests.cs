using System.Text.Json;
using CxrVL.Configuration;
using CxrVL.Data.Builders;
using CxrVL.Data.Manifest;
using CxrVL.Files;
using CxrVL.Runs;
using CxrVL.Runtime;
using CxrVL.Tasks.Finetuning;
using CxrVL.Tasks.Quickstart;
using Xunit.Abstractions;

namespace CxrVL.Tests.Tasks.Quickstart;

/// <summary>
/// The quickstart's lung segmentation and lung-box detection phases, with their own recipes, on the real COVID-19
/// collection and the package ImageNet ResNet-18 (the quickstart's package-weights arm; the phases train on a frozen
/// encoder, whose random version would leave the decoder too little to learn from in a few steps), for a fixed number of steps. On CPUs
/// without cache topology, oneDNN's unrepaired kernels made every detection loss NaN from the first logged step and
/// the table showed 0.000 as a result. Every logged loss must be finite, and training must beat the same model after
/// a single step at the warm-up's first learning rate.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class QuickstartDownstreamPhaseTests : IClassFixture<QuickstartDownstreamPhaseTests.Covid>
{
    private const int DetectionSteps = 16, SegmentationSteps = 24;
    private readonly Covid _data;
    private readonly ITestOutputHelper _output;

    public QuickstartDownstreamPhaseTests(Covid data, ITestOutputHelper output) => (_data, _output) = (data, output);

    public sealed class Covid : IDisposable
    {
        public Covid()
        {
            Manifest = Path.Combine(Directory, "covid.jsonl");
            ManifestBuild.Run(DatasetBuilders.Get("covid-chestxray"), new BuildOptions { Root = DataRoots.Dataset("covid-chestxray") }, Manifest, TextWriter.Null);
        }

        public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("cxrvl-quickstart-phases-").FullName;

        public string Manifest { get; }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }

    private (FinetuneResult Result, IReadOnlyList<JsonElement> Log) Phase(string task, int steps)
    {
        var quickstart = ConfigLoader.Load<QuickstartConfig>(RecipeLocator.Resolve("quickstart"));
        var phase = task == "segment" ? quickstart.Segment : quickstart.Detect;
        var config = ConfigLoader.LoadAll<FinetuneConfig>(phase.Recipes.Select(RecipeLocator.Resolve).ToList(),
            [.. phase.Set, "encoder.source=resnet18-imagenet", "encoder.image_size=128", "data.image_recipe=small-resnet18-imagenet", $"train.max_steps={steps}", $"train.val_every={steps}", "eval.overlays=0", "train.log_every=1"]);
        var folder = Path.Combine(_data.Directory, $"{task}-{steps}");
        using var run = RunFolder.Create(config.Name, folder, console: TextWriter.Null);
        var runtime = TorchRuntime.Configure(new RuntimeOptions(Seed: 0));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = CxrVL.Tasks.Finetuning.Finetuning.Run(config, _data.Manifest, run, runtime);
        _output.WriteLine($"{task}, {steps} steps: {clock.Elapsed.TotalSeconds:0} s, {result.Splits.Train.Count} training and {result.Splits.Test.Count} test images");
        return (result, MetricsLog.Read(Path.Combine(folder, "seed-0", "metrics.jsonl")).ToList());
    }

    private static void AssertEveryLossFinite(IReadOnlyList<JsonElement> log, int steps)
    {
        var losses = log.Where(l => l.TryGetProperty("loss", out _)).ToList();
        Assert.Equal(steps, losses.Count);
        foreach (var line in losses)
            foreach (var term in line.EnumerateObject().Where(p => p.Name.StartsWith("loss", StringComparison.Ordinal)))
                Assert.True(term.Value.ValueKind == JsonValueKind.Number && double.IsFinite(term.Value.GetDouble()),
                    $"step {line.GetProperty("step")}: {term.Name} is {term.Value}");
    }

    [Fact]
    public void DetectionLossesAreFiniteAndTrainingBeatsTheUntrainedDetectorOnMapAt50()
    {
        var (trained, log) = Phase("detect", DetectionSteps);
        AssertEveryLossFinite(log, DetectionSteps);
        var (untrained, _) = Phase("detect", 1);
        var map50 = trained.Summary["map50"].Mean;
        _output.WriteLine($"mAP@0.5 {map50:0.000} after {DetectionSteps} steps, {untrained.Summary["map50"].Mean:0.000} after one");
        Assert.True(map50 > untrained.Summary["map50"].Mean + 0.2, $"mAP@0.5 {map50:0.000} after {DetectionSteps} steps, {untrained.Summary["map50"].Mean:0.000} after one");
    }

    [Fact]
    public void SegmentationLossesAreFiniteAndTrainingBeatsTheUntrainedDecoderOnDice()
    {
        var (trained, log) = Phase("segment", SegmentationSteps);
        AssertEveryLossFinite(log, SegmentationSteps);
        var (untrained, _) = Phase("segment", 1);
        var dice = trained.Summary["med_dice"].Mean;
        _output.WriteLine($"medDice {dice:0.000} after {SegmentationSteps} steps, {untrained.Summary["med_dice"].Mean:0.000} after one");
        Assert.True(dice > untrained.Summary["med_dice"].Mean + 0.1, $"medDice {dice:0.000} after {SegmentationSteps} steps, {untrained.Summary["med_dice"].Mean:0.000} after one");
    }
}
