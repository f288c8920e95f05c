using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace CxrVL.Runtime;

/// <summary>Runs when the library loads, so a program that never calls <see cref="TorchRuntime.Configure"/> is safe too.</summary>
internal static class LibraryInitializer
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "The cache repair must precede the first convolution of any caller, CLI or library.")]
    internal static void Initialize() => ConvolutionBackends.PrepareForThisCpu();
}
