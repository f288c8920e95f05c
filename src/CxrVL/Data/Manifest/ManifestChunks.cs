using System.Buffers;
using System.IO.Compression;
using System.Text;

namespace CxrVL.Data.Manifest;

/// <summary>
/// A manifest's bytes in blocks of whole lines (about <c>size</c> bytes each, more when one line is longer), each with
/// its first line's number and its offset in the file, so blocks can be parsed apart (and on several threads) and
/// still name lines and find rows again. A <c>.gz</c> manifest is decompressed (offsets are then in the
/// decompressed text); a leading byte-order mark is skipped. The buffer is rented: <see cref="Chunk.Return"/> it.
/// </summary>
internal static class ManifestChunks
{
    internal sealed class Chunk(byte[] buffer, int length, long offset, int firstLine)
    {
        public ReadOnlySpan<byte> Bytes => buffer.AsSpan(0, length);

        /// <summary>The array <see cref="Bytes"/> starts at, for a caller that keeps it instead of returning it.</summary>
        public byte[] Buffer => buffer;

        /// <summary>Where <see cref="Bytes"/> starts in the (decompressed) file.</summary>
        public long Offset { get; } = offset;

        /// <summary>The 1-based number of the chunk's first line.</summary>
        public int FirstLine { get; } = firstLine;

        public void Return() => ArrayPool<byte>.Shared.Return(buffer);
    }

    public static IEnumerable<Chunk> Read(string path, int size)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        int filled = 0, line = 1;
        long offset = 0;
        var first = true;
        while (true)
        {
            filled += stream.ReadAtLeast(buffer.AsSpan(filled), buffer.Length - filled, throwOnEndOfStream: false);
            var ended = filled < buffer.Length;
            if (first && buffer.AsSpan(0, filled).StartsWith(Encoding.UTF8.Preamble))
            {
                buffer.AsSpan(Encoding.UTF8.Preamble.Length, filled - Encoding.UTF8.Preamble.Length).CopyTo(buffer);
                filled -= Encoding.UTF8.Preamble.Length;
                offset = Encoding.UTF8.Preamble.Length;
            }
            first = false;
            var end = ended ? filled : buffer.AsSpan(0, filled).LastIndexOf((byte)'\n') + 1;
            if (end == 0)
            {
                if (ended)
                    break;
                // No line ends in the buffer: a line longer than it. Grow it and read on.
                var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, filled).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
                continue;
            }
            var next = ArrayPool<byte>.Shared.Rent(Math.Max(size, 2 * (filled - end)));
            buffer.AsSpan(end, filled - end).CopyTo(next);
            var lines = buffer.AsSpan(0, end).Count((byte)'\n');
            yield return new Chunk(buffer, end, offset, line);
            line += lines;
            offset += end;
            buffer = next;
            filled -= end;
            if (ended)
                break;
        }
        ArrayPool<byte>.Shared.Return(buffer);
    }
}
