using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace CxrVL.Tests.Weights;

/// <summary>
/// Writes the reference checkpoints once per test class with Debian's python3-torch (make_checkpoints.py) into a
/// temporary folder, and runs the script's independent safetensors check.
/// </summary>
public sealed class TorchCheckpointFixture : IDisposable
{
    public TorchCheckpointFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("cxrvl-weights-").FullName;
        var output = RunScript("make", Directory);
        if (!File.Exists(Path("zip.pt")))
            throw new InvalidOperationException($"make_checkpoints.py wrote nothing: {output}");
    }

    public string Directory { get; }

    public string Path(string name) => System.IO.Path.Combine(Directory, name);

    /// <summary>Python's verdict on a safetensors file: "ok N" when every tensor matches the reference bytes.</summary>
    public string CheckSafeTensors(string file) => RunScript("check", file, Path("expected")).Trim();

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private static string ScriptPath([CallerFilePath] string here = "") =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(here)!, "make_checkpoints.py");

    private static string RunScript(params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(ScriptPath());
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["OMP_NUM_THREADS"] = "2";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"make_checkpoints.py {string.Join(' ', args)} failed: {stderr}");
        return stdout.Result;
    }
}
