using System.Buffers.Binary;

namespace CxrVL.Data.Builders;

/// <summary>
/// Reads an image's pixel size from its file header (PNG IHDR, JPEG SOFn) without decoding it, whatever the file
/// name says (ieee8023 keeps <c>.png</c> names on JPEG files).
/// </summary>
public static class ImageFileSize
{
    /// <returns>(width, height), or null when the file is missing, not PNG or JPEG, or truncated.</returns>
    public static (int Width, int Height)? TryRead(string path)
    {
        if (!File.Exists(path))
            return null;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        Span<byte> head = stackalloc byte[24];
        if (stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length)
            return null;
        if (head[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
            return (BinaryPrimitives.ReadInt32BigEndian(head[16..]), BinaryPrimitives.ReadInt32BigEndian(head[20..]));
        if (head[0] != 0xFF || head[1] != 0xD8)
            return null;
        stream.Position = 2;
        return ReadJpeg(stream);
    }

    private static (int, int)? ReadJpeg(Stream stream)
    {
        Span<byte> segment = stackalloc byte[7];
        while (true)
        {
            int marker;
            do
            {
                marker = stream.ReadByte();
            } while (marker == 0xFF);
            if (marker < 0 || stream.ReadAtLeast(segment[..2], 2, throwOnEndOfStream: false) < 2)
                return null;
            var length = BinaryPrimitives.ReadUInt16BigEndian(segment);
            // SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
            {
                if (stream.ReadAtLeast(segment[2..], 5, throwOnEndOfStream: false) < 5)
                    return null;
                return (BinaryPrimitives.ReadUInt16BigEndian(segment[5..]), BinaryPrimitives.ReadUInt16BigEndian(segment[3..]));
            }
            if (marker is 0xD9 or 0xDA || length < 2)
                return null;
            stream.Seek(length - 2, SeekOrigin.Current);
            if (stream.ReadByte() != 0xFF)
                return null;
        }
    }
}
