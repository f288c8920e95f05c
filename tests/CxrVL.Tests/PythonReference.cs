using System.Diagnostics;

namespace CxrVL.Tests;

/// <summary>
/// Runs a reference script with Debian's Python (python3-torch 1.13, torchvision, sklearn), which
/// <c>scripts/setup --tests</c> installs. The pyenv python3 that may be first on PATH has no torch, hence the fixed path.
/// </summary>
internal static class PythonReference
{
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>Path of a file under the test project's source folder (scripts are copied next to the test assembly).</summary>
    public static string Script(string relativePath) => Path.Combine(AppContext.BaseDirectory, relativePath);

    /// <summary>Runs the script and returns its standard output; a non-zero exit fails with the script's error output.</summary>
    public static string Run(string script, params string[] arguments) => Execute(script, [script, .. arguments]);

    /// <summary>Runs a one-line program (<c>python3 -c CODE ARGS</c>) and returns its standard output, trimmed.</summary>
    public static string RunCode(string code, params string[] arguments) => Execute("python3 -c", ["-c", code, .. arguments]).Trim();

    private static string Execute(string script, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["OMP_NUM_THREADS"] = "2";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {Interpreter}");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within 5 minutes");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Interpreter} {script} exited with {process.ExitCode}:\n{error.Result}");
        return output;
    }
}
