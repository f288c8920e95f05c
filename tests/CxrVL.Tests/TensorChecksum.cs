using static TorchSharp.torch;

namespace CxrVL.Tests;

/// <summary>
/// A position-weighted sum of a tensor's values in float64, the same as the Python references compute for the weights
/// they write (<c>(flat * (1 + arange(n) % 7)).sum()</c>): equal checksums mean the values arrived, in order.
/// </summary>
public static class TensorChecksum
{
    public static double Of(Tensor tensor)
    {
        using var flat = tensor.detach().to_type(ScalarType.Float64).flatten();
        using var weights = 1 + arange(flat.numel(), ScalarType.Float64) % 7;
        return (flat * weights).sum().item<double>();
    }
}
