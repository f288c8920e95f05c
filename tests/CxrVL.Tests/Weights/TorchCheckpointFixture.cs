namespace CxrVL.Tests.Weights;

/// <summary>
/// Writes the reference checkpoints once per test class with Debian's python3-torch (reference/make_checkpoints.py)
/// into a temporary folder, and runs the script's independent safetensors check.
/// </summary>
public sealed class TorchCheckpointFixture : IDisposable
{
    private static readonly string Script = PythonReference.Script("Weights/reference/make_checkpoints.py");

    public TorchCheckpointFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("cxrvl-weights-").FullName;
        PythonReference.Run(Script, "make", Directory);
    }

    public string Directory { get; }

    public string Path(string name) => System.IO.Path.Combine(Directory, name);

    /// <summary>Python's verdict on a safetensors file: "ok N" when every tensor matches the reference bytes.</summary>
    public string CheckSafeTensors(string file) => PythonReference.Run(Script, "check", file, Path("expected")).Trim();

    /// <summary>Python's verdict on a .pt file: torch.load(weights_only=True), then "ok N" when every tensor matches.</summary>
    public string CheckTorchFile(string file) => PythonReference.Run(Script, "check-pt", file, Path("expected")).Trim();

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
