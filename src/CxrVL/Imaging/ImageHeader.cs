using System.Buffers.Binary;

namespace CxrVL.Imaging;

/// <summary>
/// An encoded image's format and size as its header states them, read without decoding a pixel, so that a service
/// can refuse a decompression bomb (a small file that claims a huge image) before it allocates the image.
/// </summary>
public sealed record ImageHeader(string Format, int Width, int Height, int Frames)
{
    /// <summary>Reads the header of a JPEG, PNG or DICOM file; anything else, or a header without a size, is an <see cref="ImageDecodeException"/>.</summary>
    public static ImageHeader Read(ReadOnlySpan<byte> data, string source)
    {
        if (data.Length == 0)
            throw new ImageDecodeException(source, "file is empty");
        if (ImageDecoder.IsDicom(data))
        {
            var info = DicomImageReader.ReadInfo(data, source);
            if (!info.HasPixelData)
                throw new ImageDecodeException(source, "DICOM file has no pixel data element (7FE0,0010): not an image (a report or a structured document?)");
            return new ImageHeader("dicom", info.Columns, info.Rows, info.Frames);
        }
        if (ImageDecoder.IsPng(data))
        {
            // The IHDR chunk always comes first: 8-byte signature, 4-byte length, "IHDR", width, height (big-endian).
            if (data.Length < 24 || !data.Slice(12, 4).SequenceEqual("IHDR"u8))
                throw new ImageDecodeException(source, "PNG has no IHDR header chunk");
            return new ImageHeader("png", ClampedSize(BinaryPrimitives.ReadUInt32BigEndian(data[16..])),
                                   ClampedSize(BinaryPrimitives.ReadUInt32BigEndian(data[20..])), 1);
        }
        if (ImageDecoder.IsJpeg(data))
            return JpegHeader(data, source);
        throw new ImageDecodeException(source, $"not a JPEG, PNG or DICOM file (starts with {Convert.ToHexString(data[..Math.Min(8, data.Length)])})");
    }

    /// <summary>The frame header (SOF0..SOF15 except DHT C4, JPG C8 and DAC CC) holds height and width; markers before it are skipped by their lengths.</summary>
    private static ImageHeader JpegHeader(ReadOnlySpan<byte> data, string source)
    {
        var position = 2;
        while (position + 9 <= data.Length)
        {
            if (data[position] != 0xFF)
                break;
            var marker = data[position + 1];
            if (marker == 0xFF)
            {
                position++;
                continue;
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 2)..]);
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
                return new ImageHeader("jpeg", BinaryPrimitives.ReadUInt16BigEndian(data[(position + 7)..]),
                                       BinaryPrimitives.ReadUInt16BigEndian(data[(position + 5)..]), 1);
            if (marker == 0xDA || length < 2)
                break;
            position += 2 + length;
        }
        throw new ImageDecodeException(source, "JPEG has no frame header (SOF) before its image data");
    }

    private static int ClampedSize(uint value) => value > int.MaxValue ? int.MaxValue : (int)value;
}
