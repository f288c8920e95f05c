using System.Runtime.CompilerServices;
using CxrVL.Runtime;

namespace CxrVL.Tests;

/// <summary>
/// Prepares libtorch's convolution kernels for this CPU before any test runs, as the library does when it loads:
/// a test that calls TorchSharp directly before touching a CxrVL type must not meet an unrepaired oneDNN.
/// </summary>
internal static class NativeKernelsInitializer
{
    [ModuleInitializer]
    internal static void Initialize() => ConvolutionBackends.PrepareForThisCpu();
}
