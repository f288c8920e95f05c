using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Data.Loading;

/// <summary>Builds batch tensors from .NET buffers with a single copy into tensor memory.</summary>
internal static class BatchTensors
{
    public static Tensor Floats(ReadOnlySpan<float> data, params long[] shape) => Fill(empty(shape, ScalarType.Float32), data);

    public static Tensor Longs(ReadOnlySpan<long> data, params long[] shape) => Fill(empty(shape, ScalarType.Int64), data);

    public static Tensor Bools(ReadOnlySpan<bool> data, params long[] shape) => Fill(empty(shape, ScalarType.Bool), data);

    private static Tensor Fill<T>(Tensor tensor, ReadOnlySpan<T> data) where T : unmanaged
    {
        if (data.Length != tensor.numel())
        {
            tensor.Dispose();
            throw new ArgumentException($"{data.Length} values for a tensor of {tensor.numel()}.", nameof(data));
        }
        // A fresh CPU tensor is contiguous, and its byte span is a view of its memory: one memcpy, no per-element call.
        data.CopyTo(MemoryMarshal.Cast<byte, T>(tensor.bytes));
        return tensor;
    }
}
