using System.Text.Json;
using CxrVL.Configuration;
using CxrVL.Data.Builders;
using CxrVL.Data.Manifest;
using CxrVL.Evaluation.Classification;
using CxrVL.Files;
using CxrVL.Models;
using CxrVL.Runs;
using CxrVL.Runtime;
using CxrVL.Tasks.Finetuning;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tasks.Quickstart;
using CxrVL.Tests.Cli;
using CxrVL.Weights;
using static TorchSharp.torch;

namespace CxrVL.Tests.Tasks.Finetuning;

/// <summary>
/// cxrvl finetune on a small part of the real COVID-19 collection (annotated train rows, a few validation and test rows),
/// one epoch of a ResNet-18 at 128 px per task: the run finishes and writes what it promises.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class FinetuneEndToEndTests : IClassFixture<FinetuneEndToEndTests.CovidSubset>
{
    private readonly CovidSubset _data;

    public FinetuneEndToEndTests(CovidSubset data) => _data = data;

    public sealed class CovidSubset : IDisposable
    {
        public CovidSubset()
        {
            var full = Path.Combine(Directory, "full.jsonl");
            var info = ManifestBuild.Run(DatasetBuilders.Get("covid-chestxray"), new BuildOptions { Root = DataRoots.Dataset("covid-chestxray") }, full, TextWriter.Null);
            // Annotated rows (lung masks) of each split, capped so one epoch takes seconds.
            var rows = ManifestReader.Read(full).Where(r => r.Images.Any(i => (i.Masks ?? []).Any(m => m.Label == "Left Lung")))
                .GroupBy(r => r.Split).SelectMany(g => g.Take(g.Key == "train" ? 24 : 6)).ToList();
            Manifest = Path.Combine(Directory, "subset.jsonl");
            ManifestWriter.WriteAll(Manifest, rows);
            info.WriteFor(Manifest);
        }

        public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("cxrvl-finetune-").FullName;

        public string Manifest { get; }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }

    private string Run(string name, params string[] arguments)
    {
        var output = Path.Combine(_data.Directory, name);
        string[] common = ["finetune", "--data", _data.Manifest, "--config", "finetune/small", "--out", output, "--set", "train.epochs=1",
            "--set", "train.batch_size=8", "--set", "eval.bootstrap=20", "--set", "eval.overlays=2"];
        var result = CliRunner.Run([.. common, .. arguments]);
        Assert.True(result.Code == 0, result.Error + result.Output);
        return output;
    }

    [Fact]
    public void ClassificationOfTheViewWritesMetricsScoresAndCurves()
    {
        // The subset's images are PA or AP (no AP SUPINE, which a class of its own would leave without a single example).
        var run = Run("view", "--task", "classify", "--labels", "PA,AP", "--set", "data.target=view", "--mode", "linear", "--seeds", "2");
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))).RootElement;
        Assert.Equal(2, metrics.GetProperty("per_seed").GetArrayLength());
        var auroc = metrics.GetProperty("summary").GetProperty("auroc_macro");
        Assert.InRange(auroc.GetProperty("mean").GetDouble(), 0, 1);
        Assert.Equal(2, auroc.GetProperty("n").GetInt32());
        var seed = Path.Combine(run, "seed-1");
        var scores = File.ReadAllLines(Path.Combine(seed, "scores.csv"));
        Assert.Equal("id,PA,AP", scores[0]);
        // A multi-class head's scores are a softmax: each row sums to one.
        var sum = scores[1].Split(',').Skip(1).Sum(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, sum, 5);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(seed, "plots"), "roc_*.png"));
        Assert.True(File.Exists(Path.Combine(run, "split.csv")));
        Assert.Contains("top1_accuracy", File.ReadAllText(Path.Combine(seed, "metrics.json")));

        // The files are what cxrvl eval cls reads, and give the same AUROC.
        var again = CliRunner.Run("eval", "cls", "--labels", Path.Combine(seed, "labels.csv"), "--scores", Path.Combine(seed, "scores.csv"));
        Assert.True(again.Code == 0, again.Error);
        var recomputed = JsonDocument.Parse(again.Output[again.Output.IndexOf('{')..]).RootElement.GetProperty("auroc_macro").GetDouble();
        var reported = metrics.GetProperty("per_seed")[1].GetProperty("auroc_macro").GetDouble();
        Assert.Equal(reported, recomputed, 12);
    }

    [Fact]
    public void LungSegmentationAndDetectionRunAndReportTheirMetrics()
    {
        var segment = Run("segment", "--task", "segment", "--encoder", "random");
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(segment, "seed-0", "metrics.json"))).RootElement;
        Assert.InRange(metrics.GetProperty("med_dice").GetDouble(), 0, 1);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(segment, "seed-0", "overlays"), "*.png").Length);
        Assert.StartsWith("id,dice_Left Lung,dice_Right Lung", File.ReadAllText(Path.Combine(segment, "seed-0", "predictions.csv")));

        var detect = Run("detect", "--task", "detect", "--set", "head.tower_convs=1");
        var detection = JsonDocument.Parse(File.ReadAllText(Path.Combine(detect, "seed-0", "metrics.json"))).RootElement;
        Assert.InRange(detection.GetProperty("map50").GetDouble(), 0, 1);
        Assert.Equal(7, detection.GetProperty("froc").GetProperty("sensitivity").GetArrayLength());
        Assert.StartsWith("id,category,score,x,y,w,h", File.ReadAllText(Path.Combine(detect, "seed-0", "predictions.csv")));
    }

    [Fact]
    public void MrmsSiimRecipeTrainsItsBeitBackboneAuxiliaryHeadAndClassWeightedLoss()
    {
        // The released recipe at toy sizes: ViT-Tiny at 128 px instead of ViT-B at 512, narrow heads, one lung for the
        // pneumothorax, a batch of 2 and 2 steps, in float32. No --task: the recipe states segment.
        var run = Run("mrm-siim", "--config", "finetune/mrm-siim", "--encoder", "random",
            "--set", "encoder.backbone=vit_t16", "--set", "encoder.image_size=128", "--set", "data.image_recipe=small",
            "--set", "data.mask_labels=[Left Lung]", "--set", "data.require_annotations=true", "--set", "head.channels=16",
            "--set", "head.auxiliary_channels=8", "--set", "train.max_steps=2", "--set", "train.schedule.warmup_steps=1",
            "--set", "train.distributed.per_gpu_batch=1", "--set", "train.distributed.gpus=2", "--set", "train.val_every=0",
            "--set", "train.precision=fp32");
        var steps = File.ReadAllLines(Path.Combine(run, "seed-0", "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.TryGetProperty("loss", out _)).ToList();
        var last = Assert.Single(steps);
        Assert.Equal(2, last.GetProperty("step").GetInt32());
        Assert.True(double.IsFinite(last.GetProperty("loss").GetDouble()));
        foreach (var term in new[] { "loss_focal", "loss_dice", "loss_aux_focal", "loss_aux_dice" })
            Assert.True(last.GetProperty(term).GetDouble() > 0, term);
        // Step 2 of 2 after one warmup step: mmcv's poly at 2e-5 (1 - 1/2).
        Assert.Equal(1e-5, last.GetProperty("lr").GetDouble(), 12);
        var config = File.ReadAllText(Path.Combine(run, "config.yaml"));
        Assert.Contains("layer_decay: 0.65", config);
        Assert.Contains("relative_position_bias: true", config);
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "seed-0", "metrics.json"))).RootElement;
        Assert.InRange(metrics.GetProperty("med_dice").GetDouble(), 0, 1);
        Assert.Contains("released batch: 1 per GPU x 2 GPUs = 2 per step", File.ReadAllText(Path.Combine(run, "log.txt")));
    }

    [Fact]
    public void ATaskContradictingTheRecipesTaskIsOneErrorNamingTheRecipe()
    {
        var output = Path.Combine(_data.Directory, "contradiction");
        var result = CliRunner.Run(["finetune", "--data", _data.Manifest, "--task", "classify", "--config", "finetune/mrm-siim", "--out", output]);

        Assert.Equal(2, result.Code);
        Assert.Contains("--task classify contradicts", result.Error);
        Assert.Contains("mrm-siim.yaml, which states task: segment", result.Error);
        Assert.False(System.IO.Directory.Exists(output));
    }

    [Fact]
    public void APretrainRunsImageEncoderLoadsExactly()
    {
        var run = Path.Combine(_data.Directory, "pretrain");
        var checkpoint = Path.Combine(run, "checkpoints", "step-000001");
        Directory.CreateDirectory(checkpoint);
        var pretrain = new PretrainConfig();
        pretrain.Model.Image.Backbone = "resnet18";
        File.WriteAllText(Path.Combine(run, "config.yaml"), CxrVL.Configuration.ConfigLoader.ToYaml(pretrain));
        manual_seed(11);
        using (var resnet = new ResNet(ResNetConfig.ResNet18()))
        {
            using var state = StateDict.Borrow(StateDict.Borrow(resnet).Select(p => KeyValuePair.Create("image_encoder.backbone." + p.Key, p.Value))
                .Append(KeyValuePair.Create("text_encoder.x", zeros(1))));
            SafeTensors.Write(Path.Combine(checkpoint, "model.safetensors"), state);
            var loaded = EncoderLoader.Load(new FinetuneEncoderConfig { Source = Path.Combine(checkpoint, "model.safetensors") }, CPU, seed: 99);
            Assert.Equal("resnet18", loaded.Backbone);
            var expected = StateDict.Borrow(resnet).ToDictionary(p => p.Key, p => p.Value);
            foreach (var (name, value) in StateDict.Borrow(loaded.Module))
                Assert.True(value.allclose(expected[name], rtol: 0, atol: 0), name);
        }

        var missing = Assert.Throws<CxrVLException>(() => EncoderLoader.Load(new FinetuneEncoderConfig { Source = Path.Combine(run, "nothing") }, CPU, 0));
        Assert.Contains("does not exist", missing.Message);
    }

    [Fact]
    public void ADivergedSeedIsReportedByItsStepAndWithoutAnyMetric()
    {
        // A learning rate of 1e38 (float32 ends at 3.4e38) moves every trained weight by about 3e37 in the first AdamW step;
        // the next forward pass multiplies such weights layer after layer (3e37 x 3e37 overflows float32), so the first
        // step's loss is finite and the second's cannot be.
        var config = ConfigLoader.LoadAll<FinetuneConfig>([RecipeLocator.Resolve("finetune/classify"), RecipeLocator.Resolve("finetune/small")],
            ["data.target=view", "data.labels=[PA, AP]", "train.epochs=1", "train.batch_size=8", "train.optimizer.lr=1e38",
             "train.schedule.kind=constant", "train.schedule.warmup_fraction=0", "eval.bootstrap=20"]);
        config.Task = FinetuneTask.Classify;
        var output = Path.Combine(_data.Directory, "diverged");
        FinetuneResult result;
        using (var run = RunFolder.Create(config.Name, output, console: TextWriter.Null))
            result = CxrVL.Tasks.Finetuning.Finetuning.Run(config, _data.Manifest, run, new RuntimeContext(CPU, 0, 1, new Random(0)));

        Assert.Equal(2, result.DivergedAt);
        Assert.Equal("diverged at step 2 (seed 0)", result.Describe());
        Assert.Empty(result.Summary);
        Assert.Empty(result.Evaluations);
        var seed = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "seed-0", "metrics.json"))).RootElement;
        Assert.Equal(2, seed.GetProperty("diverged_at_step").GetInt32());
        Assert.StartsWith("training diverged at step 2 ", seed.GetProperty("error").GetString());
        var top = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json"))).RootElement;
        Assert.Empty(top.GetProperty("summary").EnumerateObject());
        Assert.Equal(2, top.GetProperty("diverged")[0].GetProperty("step").GetInt32());
        foreach (var metric in new[] { "auroc_macro", "accuracy", "f1_macro" })
        {
            Assert.False(seed.TryGetProperty(metric, out _), metric);
            Assert.False(top.GetProperty("per_seed")[0].TryGetProperty(metric, out _), metric);
        }
        Assert.False(File.Exists(Path.Combine(output, "seed-0", "scores.csv")));

        // In the quickstart's table the diverged encoder's cells say so, next to the other encoders' numbers, and no
        // difference is computed against it.
        var converged = result with { Divergences = [], Summary = new Dictionary<string, MeanStd> { ["auroc_macro"] = new(0.625, double.NaN, 1) } };
        var row = Assert.Single(QuickstartDownstream.Compare("view", new Dictionary<QuickstartArm, FinetuneResult>
        {
            [QuickstartArm.Random] = converged, [QuickstartArm.Package] = converged, [QuickstartArm.Pretrained] = result,
        }, resamples: 20, seed: 0));
        Assert.Null(row.Pretrained);
        Assert.Equal("diverged at step 2", row.Text(QuickstartArm.Pretrained));
        Assert.Equal("0.625", row.Text(QuickstartArm.Random));
        Assert.Equal("0.625", row.Text(QuickstartArm.Package));
        Assert.False(row.PretrainedBeats(QuickstartArm.Random));
        Assert.Null(row.VersusRandom);
        Assert.Null(row.VersusPackage);
        var all = Assert.Single(QuickstartDownstream.Compare("view", new Dictionary<QuickstartArm, FinetuneResult>
        {
            [QuickstartArm.Random] = result, [QuickstartArm.Package] = result, [QuickstartArm.Pretrained] = result,
        }, resamples: 20, seed: 0));
        Assert.All(Enum.GetValues<QuickstartArm>(), arm => Assert.Equal("diverged at step 2", all.Text(arm)));
        var html = QuickstartReport.Render(new QuickstartResult
        {
            RunPath = output, Method = "clip", DataRoot = "data", DataSummary = [], Phases = [], Results = [row], LossCurves = [],
            RocCurves = [], RetrievalExamples = [], Visualisations = [], DownstreamFigures = [], GeneratedReports = [], Unavailable = [],
            ConfigYaml = "", PretrainConfigYaml = "", Command = "cxrvl quickstart", Environment = "", TotalSeconds = 1, Bootstrap = 20,
        });
        Assert.Contains("<td class=\"num\">0.625</td><td class=\"num\">0.625</td><td class=\"num\">diverged at step 2</td><td class=\"num\"></td><td class=\"num\"></td>", html);
    }
}
