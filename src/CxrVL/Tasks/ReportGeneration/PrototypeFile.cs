using CxrVL.Weights;
using static TorchSharp.torch;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>
/// A prototype matrix on disk: written as a safetensors file with one tensor, <c>protypes</c> (the seed's parameter
/// name); read from that, or from XProNet's released <c>init_prototypes.pt</c> (<c>torch.save</c> of the bare tensor).
/// </summary>
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

    /// <summary>The matrix of a file <see cref="Write"/> wrote or of XProNet's <c>init_prototypes.pt</c>; the caller disposes it.</summary>
    public static Tensor Read(string path) => CheckpointReader.ReadTensor(path, Key);
}
