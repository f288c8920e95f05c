using System.Diagnostics;
using CxrVL.Files;
using CxrVL.Tests.Cli;

namespace CxrVL.Tests.Tasks;

/// <summary>
/// A pretraining process killed (SIGKILL) after its first checkpoint resumes from it and ends with the same weights,
/// byte for byte, as a run that was never interrupted.
/// </summary>
public sealed class KilledRunResumeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-kill-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string[] Arguments(string manifest) =>
    [
        "pretrain", "--method", "clip", "--data", manifest, "--config", "pretrain/small", "--seed", "3",
        "--set", "data.report_sections=[full_text]", "--set", "data.val_split=", "--set", "train.max_steps=12",
        "--set", "train.checkpoint_every=4", "--set", "train.batch_size=8",
        // A one-layer text encoder instead of the recipe's MiniLM-L6 keeps the four runs fast.
        "--set", "model.text.init=null", "--set", "model.text.layers=1", "--set", "model.text.hidden=256", "--set", "model.text.heads=4",
        "--set", "model.text.intermediate=1024", "--set", "model.text.max_length=32",
    ];

    private static Process Start(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CxrVL.Cli.dll"));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["CI"] = "true";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void RunToEnd(IEnumerable<string> arguments)
    {
        using var process = Start(arguments);
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "pretrain did not finish");
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public void KilledRunResumesToTheWeightsOfAnUninterruptedRun()
    {
        var manifest = Path.Combine(_directory, "covid.jsonl");
        Assert.Equal(0, CliRunner.Run("data", "build", "covid-chestxray", "--root", DataRoots.Dataset("covid-chestxray"), "--out", manifest).Code);
        var straight = Path.Combine(_directory, "straight");
        var killed = Path.Combine(_directory, "killed");
        RunToEnd([.. Arguments(manifest), "--out", straight]);

        using (var process = Start([.. Arguments(manifest), "--out", killed]))
        {
            var first = Path.Combine(killed, "checkpoints", "step-000004", "trainer.json");
            var clock = Stopwatch.StartNew();
            while (!File.Exists(first) && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(5))
                Thread.Sleep(50);
            Assert.True(File.Exists(first), "no checkpoint before the kill");
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        Assert.False(File.Exists(Path.Combine(killed, "checkpoints", "step-000012", "model.safetensors")), "the run finished before the kill");

        RunToEnd([.. Arguments(manifest), "--resume", killed]);

        var expected = File.ReadAllBytes(Path.Combine(straight, "checkpoints", "step-000012", "model.safetensors"));
        var resumed = File.ReadAllBytes(Path.Combine(killed, "checkpoints", "step-000012", "model.safetensors"));
        Assert.Equal(expected, resumed);
    }
}
