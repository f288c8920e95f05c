using System.Globalization;
using CxrVL.Configuration;

namespace CxrVL.Runs;

/// <summary>
/// The folder one run writes: <c>config.yaml</c> (the resolved configuration), <c>command.txt</c> (how to run it
/// again), <c>metrics.jsonl</c>, <c>log.txt</c> and <c>checkpoints/</c>. By default
/// <c>runs/&lt;name&gt;-&lt;yyyyMMdd-HHmmss&gt;/</c>; an explicit folder may already exist (to resume into it).
/// </summary>
public sealed class RunFolder : IDisposable
{
    private RunFolder(string path, TextWriter? console)
    {
        Path = path;
        Directory.CreateDirectory(CheckpointsPath);
        Metrics = new MetricsLog(System.IO.Path.Combine(path, "metrics.jsonl"));
        Log = new RunLog(System.IO.Path.Combine(path, "log.txt"), console);
    }

    public string Path { get; }

    public string CheckpointsPath => System.IO.Path.Combine(Path, "checkpoints");

    public MetricsLog Metrics { get; }

    public RunLog Log { get; }

    /// <summary>Creates the folder: <paramref name="outDirectory"/> when given, else a new timestamped folder under <paramref name="runsRoot"/>.</summary>
    /// <param name="console">Where the run log echoes its lines (default: standard output).</param>
    public static RunFolder Create(string name, string? outDirectory = null, string runsRoot = "runs", DateTime? now = null,
                                   TextWriter? console = null)
    {
        if (outDirectory is not null)
            return new RunFolder(System.IO.Path.GetFullPath(outDirectory), console);
        var stamp = (now ?? DateTime.Now).ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(runsRoot, $"{Sanitise(name)}-{stamp}"));
        for (var suffix = 2; Directory.Exists(path); suffix++)
            path = System.IO.Path.GetFullPath(System.IO.Path.Combine(runsRoot, $"{Sanitise(name)}-{stamp}-{suffix}"));
        return new RunFolder(path, console);
    }

    /// <summary>Writes the resolved configuration and the command line that reproduces the run.</summary>
    public void WriteConfig(object config, IEnumerable<string>? commandLine = null)
    {
        AtomicFile.WriteAllText(System.IO.Path.Combine(Path, "config.yaml"), ConfigLoader.ToYaml(config));
        if (commandLine is not null)
            AtomicFile.WriteAllText(System.IO.Path.Combine(Path, "command.txt"), string.Join(' ', commandLine.Select(ShellQuote)) + Environment.NewLine);
    }

    public string File(string relativePath) => System.IO.Path.Combine(Path, relativePath);

    /// <summary>
    /// The run folder a checkpoint or weights file lies in: the nearest folder at or above the one holding
    /// <paramref name="path"/> that <paramref name="isRun"/> accepts (each kind of run knows the files that mark it), or null.
    /// </summary>
    public static string? FindAbove(string path, Func<string, bool> isRun)
    {
        for (var dir = new DirectoryInfo(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!); dir is not null; dir = dir.Parent)
        {
            if (isRun(dir.FullName))
                return dir.FullName;
        }
        return null;
    }

    public void Dispose()
    {
        Metrics.Dispose();
        Log.Dispose();
    }

    private static string Sanitise(string name) =>
        string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-'));

    private static string ShellQuote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "-_./=:,@+%".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''") + "'";
}
