namespace CxrVL.Tests.Weights;

/// <summary>
/// Tiny checkpoints with the key names and shapes of real backbones and reference layouts, written once per test class
/// by reference/make_checkpoints.py (torchvision for the ResNets).
/// </summary>
public sealed class BackboneCheckpointFixture : IDisposable
{
    public BackboneCheckpointFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("cxrvl-backbones-").FullName;
        PythonReference.Run(PythonReference.Script("Weights/reference/make_checkpoints.py"), "architectures", Directory);
    }

    public string Directory { get; }

    public string Path(string name) => System.IO.Path.Combine(Directory, name);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
