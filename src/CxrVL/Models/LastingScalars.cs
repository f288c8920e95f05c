using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// Sums whose alpha is a Scalar that lives as long as the process. TorchSharp 0.107's <c>a + b</c> makes an implicit
/// Scalar that nothing references once its handle has gone to libtorch, so a garbage collection during the call can let
/// the finalizer thread free it while libtorch still reads it (dotnet/TorchSharp #1434, #1496): <c>internal error ...
/// toFloat at Scalar.h:140</c>. It struck where a step's first sums run while the loader thread allocates the next batch:
/// a ViT's position embeddings and block residuals (bf16-mixed MRM, three times), a BatchNorm step count (once).
/// </summary>
public static class LastingScalars
{
    public static readonly Scalar One = 1L;

    /// <summary><paramref name="left"/> + <paramref name="right"/>, broadcasting and promoting as <c>+</c> does.</summary>
    public static Tensor Sum(Tensor left, Tensor right) => left.add(right, One);
}
