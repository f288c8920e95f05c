using System.Text.Json;
using CxrVL.Files;
using CxrVL.Runs;
using CxrVL.Tests.Cli;

namespace CxrVL.Tests.Tasks.ReportGeneration;

/// <summary>
/// Report generation on the real COVID-19 collection through the command line: prototypes by K-means, a few training
/// steps of a tiny XProNet, then a report from one image with nothing but the run folder, and a split scored next to
/// the nearest-neighbour baseline, with every metric's bootstrap interval and the settings in metrics.json.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class ReportGenerationEndToEndTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-rrg-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static readonly string[] Tiny =
    [
        "--config", "rrg/small", "--config", "rrg/covid-notes",
        "--set", "model.num_layers=1", "--set", "model.d_model=32", "--set", "model.d_ff=32",
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
        var test = CliRunner.Run("rrg", "test", "--checkpoint", run, "--data", manifest, "--split", "valid", "--out", testOut, "--bootstrap", "200", "--uncertain", "negative");
        Assert.True(test.Code == 0, test.Error);
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(testOut, "metrics.json"))).RootElement;
        Assert.Equal("valid", metrics.GetProperty("split").GetString());
        Assert.Equal(["full_text"], metrics.GetProperty("sections").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(("rules", "negative"), (metrics.GetProperty("labeler").GetString(), metrics.GetProperty("uncertain").GetString()));
        Assert.Equal(14, metrics.GetProperty("labels").GetArrayLength());
        Assert.Equal((200, 0), (metrics.GetProperty("bootstrap").GetProperty("resamples").GetInt32(), metrics.GetProperty("bootstrap").GetProperty("seed").GetInt32()));
        Assert.Equal("classifier", metrics.GetProperty("prototype_labels").GetString());
        var preds = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(testOut, "preds.json")))!;
        Assert.Equal(metrics.GetProperty("samples").GetInt32(), preds.Count);
        Assert.StartsWith($"cxrvl rrg test: {preds.Count} reports of split 'valid', sections full_text; clinical efficacy by the rules labeler, uncertain labels negative\n", test.Output);
        Assert.Contains(Path.Combine(testOut, "metrics.json"), test.Output);
        double Value(string metric) => metrics.GetProperty("metrics").GetProperty(metric).GetProperty("value").GetDouble();
        var (refsPath, predsPath) = (Path.Combine(testOut, "refs.json"), Path.Combine(testOut, "preds.json"));
        var nlg = CliRunner.Run("eval", "nlg", "--refs", refsPath, "--preds", predsPath);
        Assert.True(nlg.Code == 0, nlg.Error);
        foreach (var name in new[] { "BLEU_1", "BLEU_4", "ROUGE_L", "CIDEr" })
            Assert.Equal(JsonDocument.Parse(nlg.Output).RootElement.GetProperty(name).GetDouble(), Value(name), 12);
        var ce = CliRunner.Run("eval", "ce", "--refs", refsPath, "--preds", predsPath, "--uncertain", "negative");
        Assert.True(ce.Code == 0, ce.Error);
        foreach (var name in new[] { "F1_MICRO", "PRECISION_MACRO", "RECALL_WEIGHTED", "F1_MICRO_5" })
            Assert.Equal(JsonDocument.Parse(ce.Output).RootElement.GetProperty(name).GetDouble(), Value("CE_" + name), 12);

        // CheXbert without its checkpoint stops before any report is decoded, naming where Stanford publishes it.
        var chexbert = CliRunner.Run("rrg", "test", "--checkpoint", run, "--data", manifest, "--labeler", "chexbert", "--weights", Path.Combine(_directory, "chexbert.pth"));
        Assert.Equal(2, chexbert.Code);
        Assert.Contains("chexbert.pth' do not exist", chexbert.Error);
        Assert.Contains("https://github.com/stanfordmlgroup/CheXbert", chexbert.Error);
        Assert.False(Directory.Exists(Path.Combine(run, "test-test")));

        var nearest = CliRunner.Run("rrg", "nearest", "--checkpoint", run, "--data", manifest, "--split", "valid", "--bootstrap", "0");
        Assert.True(nearest.Code == 0, nearest.Error);
        var nearestMetrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "nearest-valid", "metrics.json"))).RootElement;
        Assert.InRange(nearestMetrics.GetProperty("metrics").GetProperty("ROUGE_L").GetProperty("value").GetDouble(), 0, 1);
        Assert.Equal(JsonValueKind.Null, nearestMetrics.GetProperty("metrics").GetProperty("ROUGE_L").GetProperty("lower").ValueKind);
    }
}
