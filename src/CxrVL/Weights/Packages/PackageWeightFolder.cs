namespace CxrVL.Weights.Packages;

/// <summary>A package weight extracted and converted into a folder (<c>cxrvl weights get</c>).</summary>
/// <param name="Path">the folder: model.safetensors, config.json, provenance.json (and vocab.txt for a text encoder)</param>
/// <param name="Weight">which package weight it is</param>
/// <param name="Tensors">number of tensors in model.safetensors</param>
/// <param name="Summary">what the ONNX import found</param>
public sealed record PackageWeightFolder(string Path, PackageWeight Weight, int Tensors, string Summary)
{
    public string ModelFile => System.IO.Path.Combine(Path, "model.safetensors");
}
