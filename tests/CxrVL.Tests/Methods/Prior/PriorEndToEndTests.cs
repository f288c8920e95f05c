using System.Text.Json;
using CxrVL.Files;
using CxrVL.Runs;
using CxrVL.Tests.Cli;

namespace CxrVL.Tests.Methods.Prior;

/// <summary>
/// PRIOR through the command line on the real COVID-19 collection: three stages in three steps (with stage-start
/// checkpoints), PRIOR's zero-shot protocol run twice on the same checkpoint, and the prototype sentences of an image.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class PriorEndToEndTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-prior-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void ThreeStagesThenDeterministicZeroShotAndReconstruction()
    {
        var manifest = Path.Combine(_directory, "covid.jsonl");
        var build = CliRunner.Run("data", "build", "covid-chestxray", "--root", DataRoots.Dataset("covid-chestxray"), "--out", manifest);
        Assert.True(build.Code == 0, build.Error);
        var run = Path.Combine(_directory, "prior");

        var pretrain = CliRunner.Run("pretrain", "--method", "prior", "--data", manifest, "--config", "pretrain/prior-small", "--out", run,
            "--set", "data.report_sections=[full_text]", "--set", "train.max_steps=3", "--set", "train.batch_size=4", "--set", "train.log_every=1",
            "--set", "model.text.max_length=48", "--set", "model.prior.decoder_layers=1", "--set", "train.keep_last=1",
            "--set", "data.train_split=all");

        Assert.True(pretrain.Code == 0, pretrain.Error + pretrain.Output);
        var log = File.ReadAllText(Path.Combine(run, "log.txt"));
        Assert.Contains("reports left out (too few sentences for the method)", log);
        // PRIOR's released setting: every split, test included, said in the log.
        Assert.Contains("data.train_split: all: pretraining on every split of the manifest", log);
        Assert.Contains("test included", log);
        var validated = CliRunner.Run("pretrain", "--method", "prior", "--data", manifest, "--config", "pretrain/prior-small", "--out", Path.Combine(_directory, "bad"),
            "--set", "data.train_split=all", "--set", "data.val_split=valid");
        Assert.NotEqual(0, validated.Code);
        Assert.Contains("data.val_split", validated.Error);
        var steps = MetricsLog.Read(Path.Combine(run, "metrics.jsonl")).Where(l => l.TryGetProperty("loss", out _)).ToList();
        Assert.Equal(["stage1", "stage2", "stage3"], steps.Select(s => s.GetProperty("stage").GetString()));
        Assert.False(steps[0].TryGetProperty("loss_proto", out _));
        Assert.True(steps[1].TryGetProperty("loss_proto", out _));
        Assert.True(steps[2].TryGetProperty("loss_spg", out _));
        Assert.True(Directory.Exists(Path.Combine(run, "checkpoints", "stage2-start")));
        Assert.True(Directory.Exists(Path.Combine(run, "checkpoints", "stage3-start")));

        string[] ZeroShot(string name)
        {
            var output = Path.Combine(_directory, name);
            var result = CliRunner.Run("zeroshot", "--checkpoint", run, "--data", manifest, "--classes", "zeroshot/covid-finding",
                "--set", "bootstrap=0", "--out", output, "--seed", name == "first" ? "1" : "2");
            Assert.True(result.Code == 0, result.Error);
            return File.ReadAllLines(Path.Combine(output, "scores.csv"));
        }
        var first = ZeroShot("first");
        Assert.Equal(first, ZeroShot("second"));
        // PRIOR's score is softmax(global) + 0.5 softmax(local): the three class scores of an image sum to 1.5.
        foreach (var line in first.Skip(1))
            Assert.Equal(1.5, line.Split(',')[^3..].Sum(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)), 5);

        var image = Directory.GetFiles(Path.Combine(DataRoots.Dataset("covid-chestxray"), "images")).Order().First();
        var reconstruct = CliRunner.Run("prior", "reconstruct", "--checkpoint", run, "--image", image);
        Assert.True(reconstruct.Code == 0, reconstruct.Error);
        Assert.Contains("16 decoded sentence prototypes", reconstruct.Output);
        Assert.Contains("prototype", reconstruct.Output.Split('\n')[1]);
    }
}
