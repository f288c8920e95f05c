using System.Diagnostics;
using CxrVL.Files;
using CxrVL.Tests.Cli;
using CxrVL.Weights;
using static TorchSharp.torch;

namespace CxrVL.Tests.Tasks;

/// <summary>
/// Data-parallel pretraining under <c>mpirun -np 2</c> on loopback, on the real COVID-19 collection with a tiny model:
/// two ranks with half the batch each end with the weights of one process on the whole batch, and a job that loses a
/// rank ends at once with a clear message and resumes from its last checkpoint with another number of ranks.
/// </summary>
public sealed class DataParallelPretrainTests : IDisposable
{
    private const double Tolerance = 1e-5;
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-mpi-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Manifest()
    {
        var manifest = Path.Combine(_directory, "covid.jsonl");
        var build = CliRunner.Run("data", "build", "covid-chestxray", "--root", DataRoots.Dataset("covid-chestxray"), "--out", manifest);
        Assert.True(build.Code == 0, build.Error);
        return manifest;
    }

    /// <summary>
    /// BERT without dropout: one process and two ranks would draw different dropout masks. SGD rather than AdamW: AdamW
    /// divides by the root of tiny second moments and turns float32 rounding in near-zero gradients into whole steps.
    /// </summary>
    private string[] Arguments(string method, string manifest, int steps, double lr = 0.01)
    {
        var bert = Path.Combine(_directory, "bert.json");
        File.WriteAllText(bert, """
            {"vocab_size": 28996, "hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 64,
             "max_position_embeddings": 64, "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0}
            """);
        string[] common =
        [
            "pretrain", "--method", method, "--data", manifest, "--config", "pretrain/small", "--seed", "3",
            "--set", "data.report_sections=[full_text]", "--set", "data.val_split=", "--set", $"train.max_steps={steps}",
            "--set", "train.batch_size=8", "--set", "model.text.init=null", "--set", $"model.text.config_json={bert}", "--set", "model.text.max_length=12",
            // A random ResNet on the unit-scale recipe: the package ResNet's 0-255 inputs make the stem's gradients and the
            // running variances hundreds of times larger, and with them the float32 rounding these tolerances bound.
            "--set", "model.image.init=null", "--set", "data.image_recipe=small",
            // The small overlay locks the image encoder; these tests need it trained, its BatchNorm synchronised.
            "--set", "model.image.frozen_stages=0",
            // [CLS] pooling, as these tolerances were measured: the masked mean adds a reduction whose rounding differs
            // between a batch of 8 and two of 4 (conv1 then differs by up to 1.6e-5 after two SGD steps at lr 0.01).
            "--set", "model.text.pooling=cls",
            "--set", "train.optimizer.kind=sgd", "--set", $"train.optimizer.lr={lr.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            "--set", "train.clip_grad_norm=null", "--set", "train.checkpoint_every=1", "--set", "train.keep_last=2",
            "--set", "train.distributed.sync_batch_norm=true", "--set", "train.distributed.global_negatives=true",
        ];
        // InfoNCE of BatchNorm-projected embeddings of 8 samples is chaotic in float32: one process with 1 and 2 torch
        // threads already differs by 1e-3 after two steps. So clip gets CLIP's linear heads (the small overlay gives it
        // BatchNorm ones), and mgca trains its BatchNorm heads of patches and words through the token term alone.
        return method == "mgca"
            ? [.. common, "--set", "model.mgca.freeze_prototypes_epochs=0", "--set", "train.stages=[{name: train, epochs: 1, loss_weights: {instance: 0, prototype: 0}}]"]
            : [.. common, "--set", "model.projection.kind=linear"];
    }

    /// <param name="parametersOnly">Leave out BatchNorm running statistics, which amplify float32 rounding most.</param>
    private static double MaxDifference(string a, string b, out string where, bool parametersOnly = false)
    {
        using var first = CheckpointReader.Read(a);
        using var second = CheckpointReader.Read(b);
        Assert.Equal(first.Keys.Order(), second.Keys.Order());
        var worst = 0.0;
        where = "";
        foreach (var (name, tensor) in first)
        {
            if (parametersOnly && (name.Contains(".running_", StringComparison.Ordinal) || name.EndsWith("num_batches_tracked", StringComparison.Ordinal)))
                continue;
            var difference = tensor.numel() == 0 ? 0 : (tensor.to(float64) - second[name].to(float64)).abs().max().item<double>();
            if (difference > worst)
                (worst, where) = (difference, name);
        }
        return worst;
    }

    private static string Weights(string run, int step) => Path.Combine(run, "checkpoints", $"step-{step:D6}", "model.safetensors");

    [Theory]
    [InlineData("clip", 0.01)]
    [InlineData("mgca", 0.001)]
    public void TwoRanksWithHalfBatchesEndWithTheWeightsOfOneProcess(string method, double lr)
    {
        // Two steps: this tiny float32 model is so sensitive that one process with 1 and with 2 torch threads already
        // differs by 2e-5 after three steps (3e-6 after two).
        const int steps = 2;
        var manifest = Manifest();
        var single = Path.Combine(_directory, "single");
        var pair = Path.Combine(_directory, "pair");
        MpiLaunch.Run(1, [.. Arguments(method, manifest, steps, lr), "--out", single]);
        var output = MpiLaunch.Run(2, [.. Arguments(method, manifest, steps, lr), "--out", pair]);

        Assert.Contains("2 ranks of 4 samples per batch", File.ReadAllText(Path.Combine(pair, "log.txt")));
        Assert.Single(output.Split('\n'), l => l.StartsWith("run folder", StringComparison.Ordinal));
        var difference = MaxDifference(Weights(single, steps), Weights(pair, steps), out var where);
        Assert.True(difference < Tolerance, $"{method}: 2 ranks differ from 1 process by {difference:g3} in {where}");
        // The steps moved the weights far more than the tolerance, so agreement is not trivial.
        var moved = MaxDifference(Weights(single, steps), Weights(single, 1), out _);
        Assert.True(moved > 10 * Tolerance, $"{method}: training moved the weights only {moved:g3}");
    }

    [Fact]
    public void KillingARankEndsTheJobWithAClearMessageAndTheRunResumesWithOneRank()
    {
        const int steps = 4;
        var manifest = Manifest();
        var straight = Path.Combine(_directory, "straight");
        var killed = Path.Combine(_directory, "killed");
        string[] arguments = Arguments("clip", manifest, steps, lr: 0.001);
        MpiLaunch.Run(1, [.. arguments, "--out", straight]);

        var lines = new List<string>();
        using (var job = MpiLaunch.Start(2, [.. arguments, "--out", killed], line => { lock (lines) lines.Add(line); }))
        {
            var first = Path.Combine(killed, "checkpoints", "step-000002", "trainer.json");
            var clock = Stopwatch.StartNew();
            while (!File.Exists(first) && !job.HasExited && clock.Elapsed < TimeSpan.FromMinutes(5))
                Thread.Sleep(50);
            Assert.True(File.Exists(first), "no checkpoint before the kill:\n" + string.Join('\n', lines));
            var rank = MpiLaunch.RankProcess(job, 1);
            Assert.NotNull(rank);
            using (var victim = Process.GetProcessById(rank.Value))
                victim.Kill();
            var killedAt = Stopwatch.StartNew();
            Assert.True(job.WaitForExit(TimeSpan.FromSeconds(30)), "the job outlived its killed rank by 30 s");
            job.WaitForExit();
            var output = string.Join('\n', lines);
            Assert.NotEqual(0, job.ExitCode);
            Assert.Contains("exited on signal 9", output);
            Assert.Contains($"rank 0: stopped by mpirun because another rank of the job ended; resume with --resume {killed}", output);
            Assert.InRange(killedAt.Elapsed.TotalSeconds, 0, 30);
        }
        Assert.False(File.Exists(Weights(killed, steps)), "the job finished before the kill");

        MpiLaunch.Run(1, [.. arguments, "--resume", killed]);

        // Two steps on two ranks, then two on one: the rounding differences of the first steps grow in the BatchNorm running
        // statistics (1e-4 after four steps, as between one process with 1 and 2 threads); the parameters stay within 1e-5.
        var difference = MaxDifference(Weights(straight, steps), Weights(killed, steps), out var where, parametersOnly: true);
        Assert.True(difference < Tolerance, $"the resumed run differs from the uninterrupted one by {difference:g3} in {where}");
    }

    [Fact]
    public void RanksGivenDifferentConfigurationsStopWithOneClearError()
    {
        var manifest = Manifest();
        var lines = new List<string>();
        using var job = MpiLaunch.StartPair([.. Arguments("clip", manifest, 2), "--out", Path.Combine(_directory, "a")],
                                            [.. Arguments("clip", manifest, 2), "--set", "train.batch_size=16", "--out", Path.Combine(_directory, "a")],
                                            line => { lock (lines) lines.Add(line); });
        Assert.True(job.WaitForExit(TimeSpan.FromMinutes(2)), "the job did not stop");
        job.WaitForExit();
        var output = string.Join('\n', lines);
        Assert.NotEqual(0, job.ExitCode);
        Assert.Contains("the ranks disagree on the configuration: rank 1 differs from rank 0", output);
        Assert.False(Directory.Exists(Path.Combine(_directory, "a", "checkpoints")), "a rank started training");
    }
}
