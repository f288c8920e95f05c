using static TorchSharp.torch;

namespace CxrVL.Weights;

/// <summary>A tensor's name, element type and shape, known without reading its values.</summary>
public sealed record TensorInfo(string Name, ScalarType DType, IReadOnlyList<long> Shape)
{
    public long NumberOfElements => Shape.Aggregate(1L, (product, size) => product * size);

    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}
