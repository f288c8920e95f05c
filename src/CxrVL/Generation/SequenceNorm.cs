using static TorchSharp.torch;

namespace CxrVL.Generation;

/// <summary>
/// A layer norm of the report transformer's sublayers: the plain one ignores <c>condition</c>; R2Gen's memory-driven
/// norm computes its scale and shift from it.
/// </summary>
public abstract class SequenceNorm(string name) : nn.Module(name)
{
    /// <param name="x">[B, T, D].</param>
    /// <param name="condition">[B, T, C] per-position conditioning (R2Gen's relational memory), or null.</param>
    public abstract Tensor Normalize(Tensor x, Tensor? condition);
}
