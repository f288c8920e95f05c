using static TorchSharp.torch;

namespace CxrVL.Weights;

/// <summary>A tensor's name, element type and shape, known without reading its values.</summary>
public sealed record TensorInfo(string Name, ScalarType DType, IReadOnlyList<long> Shape)
{
    public long NumberOfElements => Shape.Aggregate(1L, (product, size) => product * size);

    /// <summary>
    /// True for the usual non-trainable buffers (batch-norm statistics, Hugging Face <c>position_ids</c>), which
    /// published parameter counts leave out.
    /// </summary>
    public bool IsBuffer =>
        Name.EndsWith(".running_mean", StringComparison.Ordinal) || Name.EndsWith(".running_var", StringComparison.Ordinal)
        || Name.EndsWith("num_batches_tracked", StringComparison.Ordinal) || Name.EndsWith("position_ids", StringComparison.Ordinal);

    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}
