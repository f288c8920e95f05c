using System.Diagnostics;

namespace CxrVL.Tests.Tasks;

/// <summary>Starts the CLI as one process, or as N ranks under Open MPI's mpirun on the loopback interface only.</summary>
internal static class MpiLaunch
{
    public static string Cli => Path.Combine(AppContext.BaseDirectory, "CxrVL.Cli.dll");

    /// <summary>
    /// mpirun's options for one machine: TCP over loopback only, more ranks than cores allowed, no core pinning, idle ranks
    /// yielding the CPU (the machine is shared), and root allowed (containers run tests as root).
    /// </summary>
    public static readonly string[] LocalOptions =
    [
        "--oversubscribe", "--bind-to", "none", "--mca", "btl", "self,tcp", "--mca", "btl_tcp_if_include", "lo",
        "--mca", "mpi_yield_when_idle", "1",
    ];

    public static Process Start(int ranks, IEnumerable<string> arguments, Action<string>? onLine = null) =>
        ranks == 1
            ? Launch("dotnet", [Cli, .. arguments], onLine)
            : Launch("mpirun", ["-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), .. LocalOptions, "dotnet", Cli, .. arguments], onLine);

    /// <summary>Two ranks with different command lines (mpirun's MPMD form: <c>-np 1 A : -np 1 B</c>).</summary>
    public static Process StartPair(IEnumerable<string> first, IEnumerable<string> second, Action<string>? onLine = null) =>
        Launch("mpirun", [.. LocalOptions, "-np", "1", "dotnet", Cli, .. first, ":", "-np", "1", "dotnet", Cli, .. second], onLine);

    private static Process Launch(string program, IEnumerable<string> arguments, Action<string>? onLine)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["CI"] = "true";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) onLine?.Invoke(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) onLine?.Invoke(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs to the end and returns everything printed; fails the test on a non-zero exit.</summary>
    public static string Run(int ranks, IEnumerable<string> arguments)
    {
        var lines = new List<string>();
        using var process = Start(ranks, arguments, line => { lock (lines) lines.Add(line); });
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "the run did not finish");
        process.WaitForExit();
        var output = string.Join('\n', lines);
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}:\n{output}");
        return output;
    }

    /// <summary>The rank processes mpirun started (its children), by the rank Open MPI gave them.</summary>
    public static int? RankProcess(Process mpirun, int rank)
    {
        var children = File.ReadAllText($"/proc/{mpirun.Id}/task/{mpirun.Id}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var child in children.Select(int.Parse))
        {
            var environment = File.ReadAllText($"/proc/{child}/environ").Split('\0');
            if (environment.Contains($"OMPI_COMM_WORLD_RANK={rank}"))
                return child;
        }
        return null;
    }
}
