using Microsoft.Win32.SafeHandles;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Weights;

/// <summary>
/// Moves raw little-endian tensor bytes between files and native tensor memory in large chunks, with no managed
/// copy of the whole tensor and no per-element work.
/// </summary>
internal static class TensorBytes
{
    /// <summary>Chunk size: a <c>Span</c> over native memory must stay below 2 GiB.</summary>
    private const long ChunkBytes = 1L << 28;

    public static long ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.ComplexFloat64 => 16,
        _ => throw new CheckpointException($"tensors of type {dtype} are not supported in checkpoints."),
    };

    public static void EnsureLittleEndianHost()
    {
        if (!BitConverter.IsLittleEndian)
            throw new CheckpointException("checkpoints store little-endian bytes; this big-endian machine is not supported.");
    }

    /// <summary>A new 1-D tensor of <paramref name="numel"/> elements filled from <paramref name="stream"/>.</summary>
    public static Tensor ReadTensor(Stream stream, ScalarType dtype, long numel, string source)
    {
        var tensor = empty(numel, dtype);
        try
        {
            Fill(tensor, (span, _) =>
            {
                try
                {
                    stream.ReadExactly(span);
                }
                catch (EndOfStreamException)
                {
                    throw new CheckpointException($"{source} ends before all of its {numel} {dtype} values (truncated file?).");
                }
            });
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>A new 1-D tensor of <paramref name="numel"/> elements read in place from a file at byte <paramref name="offset"/>.</summary>
    public static Tensor ReadTensor(SafeFileHandle file, long offset, ScalarType dtype, long numel, string source)
    {
        var tensor = empty(numel, dtype);
        try
        {
            Fill(tensor, (span, at) =>
            {
                var done = 0;
                while (done < span.Length)
                {
                    var read = RandomAccess.Read(file, span[done..], offset + at + done);
                    if (read == 0)
                        throw new CheckpointException($"{source} ends before all of its {numel} {dtype} values (truncated file?).");
                    done += read;
                }
            });
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>Writes the tensor's values (row-major, little-endian) to the stream.</summary>
    public static void Write(Tensor tensor, Stream stream)
    {
        using var scope = NewDisposeScope();
        var flat = tensor.device_type == DeviceType.CPU ? tensor : tensor.cpu();
        flat = flat.contiguous().reshape(-1);
        var elementSize = ElementSize(flat.dtype);
        var perChunk = ChunkBytes / elementSize;
        for (long start = 0; start < flat.numel(); start += perChunk)
        {
            using var chunk = flat.narrow(0, start, Math.Min(perChunk, flat.numel() - start));
            stream.Write(chunk.bytes);
        }
    }

    private delegate void SpanFiller(Span<byte> span, long byteOffset);

    private static void Fill(Tensor tensor, SpanFiller fill)
    {
        var elementSize = ElementSize(tensor.dtype);
        var perChunk = ChunkBytes / elementSize;
        for (long start = 0; start < tensor.numel(); start += perChunk)
        {
            using var chunk = tensor.narrow(0, start, Math.Min(perChunk, tensor.numel() - start));
            fill(chunk.bytes, start * elementSize);
        }
    }
}
