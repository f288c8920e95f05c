using System.Globalization;
using System.Text.Json;
using CxrVL.Files;
using CxrVL.Serving;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tests.Cli;
using CxrVL.Tests.Export;

namespace CxrVL.Tests.Serving;

/// <summary>
/// MODEL_CARD.md carries what the run folder holds and nothing else: the intervals a zero-shot evaluation or an rrg test
/// wrote there (as its metrics.json states them), the manifest's dataset and licence from the run's command, and says so when an
/// evaluation or the training data is not recorded.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class ModelCardTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cxrvl-model-card-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void TheCardStatesTheRunsEvaluationIntervalsAndTrainingData()
    {
        var run = TinyPretrainRun.Write(Path.Combine(_root, "clip"));
        var export = CliRunner.Run("export", "onnx", "--checkpoint", run, "--part", "image", "--out", Path.Combine(_root, "image.onnx"));
        Assert.True(export.Code == 0, export.Error);
        var card = File.ReadAllText(Path.Combine(run, ModelCard.FileName));
        Assert.Contains("Not for diagnosis", card);
        Assert.Contains("No evaluation with 95% intervals was found", card);
        Assert.Contains("no command.txt", card);

        var manifest = Path.Combine(_root, "covid.jsonl");
        Assert.Equal(0, CliRunner.Run("data", "build", "covid-chestxray", "--root", DataRoots.Dataset("covid-chestxray"), "--out", manifest).Code);
        File.WriteAllText(Path.Combine(run, "command.txt"), $"cxrvl pretrain --method clip --data {manifest} --config pretrain/small\n");
        var evaluation = Path.Combine(run, "eval-zeroshot");
        var zeroshot = CliRunner.Run("zeroshot", "--checkpoint", run, "--data", manifest, "--classes", "zeroshot/covid-finding", "--set", "bootstrap=50", "--out", evaluation);
        Assert.True(zeroshot.Code == 0, zeroshot.Error);

        var (config, weights, _) = PretrainedModel.LoadRecipe(run);
        card = File.ReadAllText(ModelCard.Write(run, config, weights, "0123", "a test"));
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(evaluation, "metrics.json"))).RootElement;
        var accuracy = metrics.GetProperty("accuracy").GetDouble().ToString("F4", CultureInfo.InvariantCulture);
        var bounds = metrics.GetProperty("accuracy_ci95");
        var interval = string.Join(", ", new[] { "Lower", "Upper" }.Select(b => bounds.GetProperty(b).GetDouble().ToString("F4", CultureInfo.InvariantCulture)));
        Assert.Contains($"| {Path.Combine("eval-zeroshot", "metrics.json")} | accuracy | {accuracy} | [{interval}] |", card);
        Assert.Contains("Dataset `covid-chestxray`, 505 rows", card);
        Assert.Contains("CC BY-NC-SA 4.0", card);
        Assert.Contains("sha256 `0123`", card);

        // rrg test and nearest nest each metric with its interval; a metric without one (no bootstrap) is left out.
        var rrg = Path.Combine(run, "test-valid");
        Directory.CreateDirectory(rrg);
        File.WriteAllText(Path.Combine(rrg, "metrics.json"),
            """{"split": "valid", "metrics": {"BLEU_4": {"value": 0.125, "lower": 0.0625, "upper": 0.25}, "CIDEr": {"value": 0.5, "lower": null, "upper": null}}}""");
        card = File.ReadAllText(ModelCard.Write(run, config, weights, "0123", "a test"));
        Assert.Contains($"| {Path.Combine("test-valid", "metrics.json")} | BLEU_4 | 0.1250 | [0.0625, 0.2500] |", card);
        Assert.DoesNotContain("| CIDEr |", card);
    }
}
