using System.Text.Json;
using CxrVL.Runs;
using CxrVL.Runtime;
using CxrVL.Tests.Cli;

namespace CxrVL.Tests.Tasks.ReportGeneration;

/// <summary>
/// Report generation on the real COVID-19 collection through the command line: prototypes by K-means, a few training
/// steps of a tiny XProNet, then a report from one image with nothing but the run folder, and a split scored next to
/// the nearest-neighbour baseline.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class ReportGenerationEndToEndTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-rrg-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static readonly string[] Tiny =
    [
        "--config", "rrg/small", "--config", "rrg/covid-notes",
        "--set", "model.num_layers=1", "--set", "model.d_model=32", "--set", "model.d_ff=32", "--set", "model.rm_d_model=32",
        "--set", "model.d_txt=8", "--set", "model.num_prototypes=2", "--set", "model.topk=2", "--set", "decoding.max_length=6",
        "--set", "train.batch_size=8",
    ];

    [Fact]
    public void InitPrototypesTrainGenerateTestAndNearest()
    {
        var manifest = Path.Combine(_directory, "covid.jsonl");
        var build = CliRunner.Run("data", "build", "covid-chestxray", "--root", DataRoots.Dataset("covid-chestxray"), "--out", manifest);
        Assert.True(build.Code == 0, build.Error);

        var prototypes = Path.Combine(_directory, "prototypes.safetensors");
        var init = CliRunner.Run(["rrg", "init-prototypes", "--data", manifest, "--output", prototypes, .. Tiny]);
        Assert.True(init.Code == 0, init.Error + init.Output);
        using (var file = CxrVL.Weights.CheckpointReader.Read(prototypes))
            Assert.Equal(new long[] { 14 * 2, 512 + 8 }, file["protypes"].shape);

        var run = Path.Combine(_directory, "xpronet");
        var train = CliRunner.Run(["rrg", "train", "--method", "xpronet", "--data", manifest, "--out", run, .. Tiny,
            "--set", $"model.prototype_init={prototypes}", "--set", "train.max_steps=3", "--set", "train.log_every=1", "--set", "train.val_every=3"]);
        Assert.True(train.Code == 0, train.Error + train.Output);
        var lines = MetricsLog.Read(Path.Combine(run, "metrics.jsonl")).ToList();
        Assert.Equal(3, lines.Count(l => l.TryGetProperty("loss_ce", out _)));
        Assert.Contains(lines, l => l.TryGetProperty("val_BLEU_4", out _));
        Assert.True(File.Exists(Path.Combine(run, "vocabulary.json")));

        var image = Directory.EnumerateFiles(Path.Combine(DataRoots.Dataset("covid-chestxray"), "images")).Order(StringComparer.Ordinal).First();
        var generate = CliRunner.Run("generate", "--checkpoint", run, "--image", image, "--strategy", "greedy");
        Assert.True(generate.Code == 0, generate.Error);
        var words = generate.Output.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(words.Length, 0, 6);
        var vocabulary = JsonSerializer.Deserialize<string[]>(File.ReadAllText(Path.Combine(run, "vocabulary.json")))!;
        Assert.All(words, w => Assert.Contains(w, vocabulary));
        var twoImages = CliRunner.Run("generate", "--checkpoint", run, "--image", image, "--image", image);
        Assert.Equal(2, twoImages.Code);
        Assert.Contains("one image", twoImages.Error);

        var testOut = Path.Combine(_directory, "test");
        var test = CliRunner.Run("rrg", "test", "--checkpoint", run, "--data", manifest, "--split", "valid", "--out", testOut);
        Assert.True(test.Code == 0, test.Error);
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(testOut, "metrics.json"))).RootElement;
        Assert.InRange(metrics.GetProperty("BLEU_4").GetDouble(), 0, 1);
        var preds = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(testOut, "preds.json")))!;
        Assert.Equal(metrics.GetProperty("samples").GetDouble(), preds.Count);
        var nlg = CliRunner.Run("eval", "nlg", "--refs", Path.Combine(testOut, "refs.json"), "--preds", Path.Combine(testOut, "preds.json"));
        Assert.True(nlg.Code == 0, nlg.Error);
        Assert.Equal(metrics.GetProperty("CIDEr").GetDouble(), JsonDocument.Parse(nlg.Output).RootElement.GetProperty("CIDEr").GetDouble(), 12);

        var nearest = CliRunner.Run("rrg", "nearest", "--checkpoint", run, "--data", manifest, "--split", "valid");
        Assert.True(nearest.Code == 0, nearest.Error);
        Assert.InRange(JsonDocument.Parse(nearest.Output).RootElement.GetProperty("ROUGE_L").GetDouble(), 0, 1);
    }
}
