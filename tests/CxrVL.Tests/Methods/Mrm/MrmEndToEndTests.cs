using CxrVL.Files;
using CxrVL.Runs;
using CxrVL.Tests.Cli;

namespace CxrVL.Tests.Methods.Mrm;

/// <summary>
/// MRM through the command line on the real COVID-19 collection: a few pretraining steps with a vocabulary trained on
/// the notes, then image embeddings, the reconstruction picture, and the clear refusal of retrieval.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class MrmEndToEndTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-mrm-run-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void PretrainThenEmbedAndReconstruct()
    {
        var root = DataRoots.Dataset("covid-chestxray");
        var manifest = Path.Combine(_directory, "covid.jsonl");
        var build = CliRunner.Run("data", "build", "covid-chestxray", "--root", root, "--out", manifest);
        Assert.True(build.Code == 0, build.Error);
        var run = Path.Combine(_directory, "mrm");

        var pretrain = CliRunner.Run("pretrain", "--method", "mrm", "--data", manifest, "--config", "pretrain/mrm-small", "--out", run,
            "--set", "train.max_steps=2", "--set", "train.batch_size=4", "--set", "train.log_every=1", "--set", "data.val_split=null",
            "--set", "model.text.layers=1", "--set", "model.text.max_length=32", "--set", "model.text.train_vocabulary=1000");

        Assert.True(pretrain.Code == 0, pretrain.Error + pretrain.Output);
        Assert.True(File.Exists(Path.Combine(run, "tokenizer.json")));
        var steps = MetricsLog.Read(Path.Combine(run, "metrics.jsonl")).Where(l => l.TryGetProperty("loss_image", out _)).ToList();
        Assert.Equal(2, steps.Count);
        Assert.All(steps, s => Assert.True(s.GetProperty("loss_report").GetDouble() > 0));

        var embedOut = Path.Combine(_directory, "embed");
        var embed = CliRunner.Run("embed", "--checkpoint", run, "--data", manifest, "--split", "valid", "--out", embedOut, "--untrained");
        Assert.True(embed.Code == 0, embed.Error);
        using (var embeddings = CxrVL.Weights.CheckpointReader.Read(Path.Combine(embedOut, "embeddings.safetensors")))
        {
            Assert.Equal(192, embeddings["image_embeddings"].shape[1]);
            Assert.Equal(0, embeddings["text_embeddings"].shape[1]);
        }

        var retrieve = CliRunner.Run("retrieve", "--checkpoint", run, "--data", manifest, "--split", "valid");
        Assert.NotEqual(0, retrieve.Code);
        Assert.Contains("no report embeddings", retrieve.Error);

        var png = Path.Combine(_directory, "reconstruction.png");
        var image = Directory.EnumerateFiles(Path.Combine(root, "images")).Order(StringComparer.Ordinal).First();
        var reconstruct = CliRunner.Run("mrm", "reconstruct", "--checkpoint", run, "--image", image, "--out", png,
            "--report", "Bilateral patchy opacities in both lower lobes, consistent with pneumonia.");
        Assert.True(reconstruct.Code == 0, reconstruct.Error);
        Assert.Contains("masked tokens", reconstruct.Output);
        using var picture = OpenCvSharp.Cv2.ImRead(png);
        Assert.Equal(4 * 224 + 5 * 8, picture.Width);
    }
}
