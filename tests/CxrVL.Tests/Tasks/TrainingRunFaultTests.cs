using System.Diagnostics;
using CxrVL.Data.Builders;
using CxrVL.Data.Manifest;
using CxrVL.Files;
using CxrVL.Runs;
using CxrVL.Tests.Cli;

namespace CxrVL.Tests.Tasks;

/// <summary>
/// Issue 18, items 15 and 16, on a tiny clip pretraining of the real COVID-19 collection: a bad row's error names the
/// switch pretrain really has, and that switch works; a failure is written into the run's log.txt; SIGTERM stops a
/// run as Ctrl+C does, with a checkpoint of the last step.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class TrainingRunFaultTests : IClassFixture<TrainingRunFaultTests.Covid>
{
    private readonly Covid _data;

    public TrainingRunFaultTests(Covid data) => _data = data;

    public sealed class Covid : IDisposable
    {
        public Covid()
        {
            Manifest = Path.Combine(Directory, "covid.jsonl");
            ManifestBuild.Run(DatasetBuilders.Get("covid-chestxray"), new BuildOptions { Root = DataRoots.Dataset("covid-chestxray") }, Manifest, TextWriter.Null);
        }

        public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("cxrvl-run-faults-").FullName;

        public string Manifest { get; }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static string[] Tiny(string manifest, string output) =>
    [
        "pretrain", "--method", "clip", "--data", manifest, "--config", "pretrain/small", "--out", output,
        "--set", "data.report_sections=[full_text]", "--set", "data.val_split=", "--set", "train.batch_size=8",
        // A one-layer text encoder instead of the recipe's MiniLM-L6 keeps the runs fast.
        "--set", "model.text.init=null", "--set", "model.text.layers=1", "--set", "model.text.hidden=256", "--set", "model.text.heads=4",
        "--set", "model.text.intermediate=1024", "--set", "model.text.max_length=32", "--set", "train.log_every=1",
    ];

    [Fact]
    public void ABadRowNamesTheSwitchPretrainHasTheSwitchWorksAndTheFailureIsInTheLog()
    {
        // Eight training rows with text, one of them pointing at an image that is not there: the one batch holds it.
        var rows = ManifestReader.Read(_data.Manifest).Where(r => r.Split == ManifestSplits.Train && !string.IsNullOrWhiteSpace(r.Report?.FullText)).Take(8).ToList();
        var broken = rows[3] with { Images = [rows[3].Images[0] with { Path = "images/not-there.jpg" }] };
        rows[3] = broken;
        var manifest = Path.Combine(_data.Directory, "one-bad-row.jsonl");
        ManifestWriter.WriteAll(manifest, rows);
        ManifestInfo.ReadFor(_data.Manifest).WriteFor(manifest);

        var failed = Path.Combine(_data.Directory, "failed");
        var (code, _, error) = CliRunner.Run([.. Tiny(manifest, failed), "--set", "train.max_steps=2"]);

        Assert.Equal(2, code);
        Assert.Contains($"row {broken.Dataset}/{broken.StudyId}", error);
        Assert.EndsWith("or pass --set data.skip_bad=true to skip and count such rows.", error.Trim());
        // The run folder records how the run ended.
        var log = File.ReadAllText(Path.Combine(failed, "log.txt"));
        Assert.Contains($"error: row {broken.Dataset}/{broken.StudyId}", log);

        // The switch the message names, taken from it, is one pretrain accepts and it skips the row.
        var switchText = error[(error.LastIndexOf("pass ", StringComparison.Ordinal) + 5)..error.LastIndexOf(" to skip", StringComparison.Ordinal)];
        var skipped = Path.Combine(_data.Directory, "skipped");
        var (okCode, output, okError) = CliRunner.Run([.. Tiny(manifest, skipped), "--set", "train.max_steps=2", .. switchText.Split(' ')]);
        Assert.True(okCode == 0, okError + output);
        Assert.Contains("skipped bad rows: ", File.ReadAllText(Path.Combine(skipped, "log.txt")));
        Assert.Contains("missing image: 1", File.ReadAllText(Path.Combine(skipped, "log.txt")));
    }

    [Fact]
    public void SigtermStopsAfterTheStepWithACheckpointLikeCtrlC()
    {
        var output = Path.Combine(_data.Directory, "terminated");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CxrVL.Cli.dll"));
        foreach (var argument in Tiny(_data.Manifest, output).Concat(["--set", "train.max_steps=400", "--set", "train.checkpoint_every=0", "--set", "train.checkpoint_minutes=60"]))
            start.ArgumentList.Add(argument);
        start.Environment["CI"] = "true";
        var stderr = new System.Text.StringBuilder();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var metrics = Path.Combine(output, "metrics.jsonl");
        var clock = Stopwatch.StartNew();
        while (!process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(5) && (!File.Exists(metrics) || Steps(metrics).Count < 2))
            Thread.Sleep(100);
        Assert.False(process.HasExited, $"the run ended before the signal: {stderr}");
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            kill.WaitForExit();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "the run did not stop after SIGTERM");
        process.WaitForExit();

        Assert.Equal(143, process.ExitCode);
        Assert.Contains("SIGTERM: stopping after this step (a checkpoint is written)", stderr.ToString());
        // The checkpoint holds the last step the run logged: nothing trained was lost.
        var last = Steps(metrics).Max();
        Assert.True(last < 400, "the run finished instead of stopping");
        var checkpoint = Assert.Single(Directory.GetDirectories(Path.Combine(output, "checkpoints")));
        Assert.Equal(CxrVL.Training.Checkpoints.CheckpointStore.StepName(last), Path.GetFileName(checkpoint));
        Assert.Equal(last, CxrVL.Training.Checkpoints.CheckpointStore.ReadState(checkpoint).Step);
        var log = File.ReadAllText(Path.Combine(output, "log.txt"));
        Assert.Contains("stopped by a signal; exit code 143", log);
    }

    private static List<long> Steps(string metrics)
    {
        try
        {
            return MetricsLog.Read(metrics).Where(l => l.TryGetProperty("loss", out _)).Select(l => l.GetProperty("step").GetInt64()).ToList();
        }
        catch (System.Text.Json.JsonException)
        {
            // A line being written while it is read.
            return [];
        }
    }
}
