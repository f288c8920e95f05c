using CxrVL.Weights;
using static TorchSharp.torch;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>A prototype matrix on disk: a safetensors file with one tensor, <c>protypes</c> (the seed's parameter name).</summary>
public static class PrototypeFile
{
    public const string Key = "protypes";

    public static void Write(string path, Tensor prototypes)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
            Directory.CreateDirectory(directory);
        using var state = StateDict.Borrow(new Dictionary<string, Tensor> { [Key] = prototypes });
        SafeTensors.Write(path, state);
    }
}
