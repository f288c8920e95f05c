using CxrVL.Files;
using CxrVL.Runs;
using CxrVL.Tests.Cli;
using CxrVL.Training.Checkpoints;
using CxrVL.Weights;
using static TorchSharp.torch;

namespace CxrVL.Tests.Precision;

/// <summary>
/// <c>cxrvl pretrain --set train.precision=bf16-mixed</c> end to end on the COVID-19 collection with the small recipe: the
/// run trains with finite losses, logs its precision, and writes float32 checkpoints (weights and AdamW moments) that
/// the other commands load.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class MixedPrecisionPretrainTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-bf16-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void ClipSmallTrainsInBfloatMixedAndSavesFloat32Checkpoints()
    {
        var manifest = Path.Combine(_directory, "covid.jsonl");
        var build = CliRunner.Run("data", "build", "covid-chestxray", "--root", DataRoots.Dataset("covid-chestxray"), "--out", manifest);
        Assert.True(build.Code == 0, build.Error);
        var run = Path.Combine(_directory, "clip");

        var pretrain = CliRunner.Run("pretrain", "--method", "clip", "--data", manifest, "--config", "pretrain/small", "--out", run,
            "--set", "data.report_sections=[full_text]", "--set", "train.max_steps=2", "--set", "train.batch_size=8", "--set", "train.log_every=1",
            "--set", "model.text.max_length=32", "--set", "train.precision=bf16-mixed");

        Assert.True(pretrain.Code == 0, pretrain.Error + pretrain.Output);
        Assert.Contains("train.precision: bf16-mixed", File.ReadAllText(Path.Combine(run, "log.txt")));
        Assert.Contains("precision: bf16-mixed", File.ReadAllText(Path.Combine(run, "config.yaml")));
        var losses = MetricsLog.Read(Path.Combine(run, "metrics.jsonl")).Where(l => l.TryGetProperty("loss", out _))
            .Select(l => l.GetProperty("loss").GetDouble()).ToList();
        Assert.Equal(2, losses.Count);
        Assert.All(losses, l => Assert.True(double.IsFinite(l) && l > 0, $"loss {l}"));

        var checkpoint = new CheckpointStore(Path.Combine(run, "checkpoints")).Latest()!;
        foreach (var file in new[] { CheckpointStore.ModelFile, CheckpointStore.OptimizerFile })
        {
            using var tensors = CheckpointReader.Read(Path.Combine(checkpoint, file));
            Assert.All(tensors.Where(t => t.Value.is_floating_point()), t => Assert.Equal(ScalarType.Float32, t.Value.dtype));
        }
        var embed = CliRunner.Run("embed", "--checkpoint", run, "--data", manifest, "--split", "valid", "--out", Path.Combine(_directory, "embed"));
        Assert.True(embed.Code == 0, embed.Error);
    }
}
