using System.Text.Json;
using CxrVL.Files;
using CxrVL.Runs;
using CxrVL.Tests.Cli;

namespace CxrVL.Tests.Tasks;

/// <summary>
/// The image-report chain on the real COVID-19 collection, through the command line: build the manifest, pretrain the
/// small recipe as shipped (from the package weights resnet18-imagenet and minilm-l6) for a few steps, then embed,
/// zero-shot and retrieve with its checkpoint and with the untrained baseline.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class PretrainEndToEndTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-pretrain-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("clip")]
    [InlineData("mgca")]
    public void PretrainThenEmbedZeroShotAndRetrieve(string method)
    {
        var manifest = Path.Combine(_directory, "covid.jsonl");
        var build = CliRunner.Run("data", "build", "covid-chestxray", "--root", DataRoots.Dataset("covid-chestxray"), "--out", manifest);
        Assert.True(build.Code == 0, build.Error);
        var run = Path.Combine(_directory, method);

        var pretrain = CliRunner.Run("pretrain", "--method", method, "--data", manifest, "--config", "pretrain/small", "--out", run,
            "--set", "data.report_sections=[full_text]", "--set", "train.max_steps=3", "--set", "train.batch_size=8", "--set", "train.log_every=1",
            "--set", "model.text.max_length=32");

        Assert.True(pretrain.Code == 0, pretrain.Error + pretrain.Output);
        Assert.Contains("image-report pairs", File.ReadAllText(Path.Combine(run, "log.txt")));
        var steps = MetricsLog.Read(Path.Combine(run, "metrics.jsonl")).Where(l => l.TryGetProperty("loss", out _)).ToList();
        Assert.Equal(3, steps.Count);
        Assert.Contains(MetricsLog.Read(Path.Combine(run, "metrics.jsonl")), l => l.TryGetProperty("val_loss", out _));
        // The validation's retrieval score (which pretrain/small monitors) is what `cxrvl retrieve` finds on the same split.
        var validation = MetricsLog.Read(Path.Combine(run, "metrics.jsonl")).Single(l => l.TryGetProperty("val_recall", out _));
        var validRetrieval = CliRunner.Run("retrieve", "--checkpoint", run, "--data", manifest, "--split", "valid");
        Assert.True(validRetrieval.Code == 0, validRetrieval.Error);
        var validRecall = JsonDocument.Parse(validRetrieval.Output[validRetrieval.Output.IndexOf('{')..]).RootElement.EnumerateObject()
            .Where(p => p.Name.Contains("_recall@", StringComparison.Ordinal)).Average(p => p.Value.GetDouble());
        Assert.Equal(validRecall, validation.GetProperty("val_recall").GetDouble(), 9);
        Assert.True(File.Exists(Path.Combine(run, "loss.png")));

        var zeroshotOut = Path.Combine(_directory, "zeroshot");
        var zeroshot = CliRunner.Run("zeroshot", "--checkpoint", run, "--data", manifest, "--classes", "zeroshot/covid-finding",
            "--set", "bootstrap=20", "--out", zeroshotOut, "--attention-maps", "2");
        if (method == "clip")
        {
            Assert.Equal(2, zeroshot.Code);
            Assert.Contains("attention maps need a local-alignment method", zeroshot.Error);
            zeroshot = CliRunner.Run("zeroshot", "--checkpoint", run, "--data", manifest, "--classes", "zeroshot/covid-finding",
                "--set", "bootstrap=20", "--out", zeroshotOut);
        }
        else
        {
            var maps = Directory.GetFiles(Path.Combine(zeroshotOut, "attention"), "*.png");
            Assert.Equal(2, maps.Length);
            using var png = OpenCvSharp.Cv2.ImRead(maps[0]);
            Assert.Equal(128, png.Rows);
        }
        Assert.True(zeroshot.Code == 0, zeroshot.Error);
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(zeroshotOut, "metrics.json"))).RootElement;
        var accuracy = metrics.GetProperty("accuracy").GetDouble();
        Assert.InRange(accuracy, 0, 1);
        var scoreLines = File.ReadAllLines(Path.Combine(zeroshotOut, "scores.csv"));
        Assert.Equal("id,truth,COVID-19,other pneumonia,no finding", scoreLines[0]);
        Assert.Equal(metrics.GetProperty("images").GetInt32(), scoreLines.Length - 1);

        var retrieve = CliRunner.Run("retrieve", "--checkpoint", run, "--data", manifest, "--untrained");
        Assert.True(retrieve.Code == 0, retrieve.Error);
        var recall = JsonDocument.Parse(retrieve.Output[retrieve.Output.IndexOf('{')..]).RootElement;
        Assert.InRange(recall.GetProperty("i2t_recall@10").GetDouble(), recall.GetProperty("i2t_recall@1").GetDouble(), 1);

        var embedOut = Path.Combine(_directory, "embed");
        var embed = CliRunner.Run("embed", "--checkpoint", run, "--data", manifest, "--split", "valid", "--out", embedOut);
        Assert.True(embed.Code == 0, embed.Error);
        using var embeddings = CxrVL.Weights.CheckpointReader.Read(Path.Combine(embedOut, "embeddings.safetensors"));
        Assert.Equal(embeddings["image_embeddings"].shape, embeddings["text_embeddings"].shape);
    }

    [Fact]
    public void ACheckpointOutsideARunFolderIsAClearError()
    {
        var weights = Path.Combine(_directory, "loose.safetensors");
        File.WriteAllBytes(weights, [0]);
        var result = CliRunner.Run("embed", "--checkpoint", weights, "--data", Path.Combine(_directory, "none.jsonl"));
        Assert.Equal(2, result.Code);
        Assert.Contains("no config.yaml found above", result.Error);
    }
}
