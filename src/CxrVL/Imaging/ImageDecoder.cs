using OpenCvSharp;

namespace CxrVL.Imaging;

/// <summary>
/// Decodes JPEG, 8- and 16-bit PNG and DICOM (uncompressed or JPEG-encapsulated) with OpenCV; the format is taken
/// from the file's first bytes, not its name (the COVID collection has JPEGs named .png). Every failure is an
/// <see cref="ImageDecodeException"/> naming the file, including a JPEG whose coded data is cut short or damaged, which
/// OpenCV would decode with gray fill (<see cref="JpegScanCheck"/>).
/// </summary>
public static class ImageDecoder
{
    /// <param name="checkJpegData">
    /// Walk a JPEG's coded data for damage that libjpeg only warns about (a cut file, a bad code): about as much work again
    /// as the decode, so a loader that meets the same file every epoch checks it once.
    /// </param>
    public static PixelImage Decode(string path, ColorMode mode, bool checkJpegData = true)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ImageDecodeException(path, "file not found", missing: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException(path, $"cannot be read ({e.Message})");
        }
        return Decode(bytes, path, mode, checkJpegData);
    }

    public static PixelImage Decode(ReadOnlySpan<byte> data, string source, ColorMode mode, bool checkJpegData = true)
    {
        if (data.Length == 0)
            throw new ImageDecodeException(source, "file is empty");
        if (IsDicom(data))
            return DicomImageReader.Read(data, source, mode);
        if (IsJpeg(data))
        {
            // libjpeg only warns on a truncated stream and fills the rest with gray; the end-of-image marker is the check.
            if (!HasJpegEnd(data))
                throw new ImageDecodeException(source, "JPEG is truncated or corrupt (no end-of-image marker); re-export or remove the file");
            // libjpeg reports damage inside the image data only as a warning on stderr and OpenCV returns the gray-filled
            // picture, so the coded blocks are walked here first.
            if (checkJpegData && JpegScanCheck.Problem(data) is { } problem)
                throw new ImageDecodeException(source, $"JPEG data is corrupt: {problem}; re-export or remove the file");
            return new PixelImage(DecodeEncoded(data, source, mode), 255);
        }
        if (IsPng(data))
        {
            var mat = DecodeEncoded(data, source, mode);
            return new PixelImage(mat, mat.Depth() == MatType.CV_16U ? ushort.MaxValue : byte.MaxValue);
        }
        throw new ImageDecodeException(source,
            $"not a JPEG, PNG or DICOM file (starts with {Convert.ToHexString(data[..Math.Min(8, data.Length)])})");
    }

    /// <summary>Decodes a JPEG or PNG stream to 1 channel (gray) or 1/3 channels (color, RGB order), keeping 16 bits.</summary>
    internal static Mat DecodeEncoded(ReadOnlySpan<byte> data, string source, ColorMode mode)
    {
        var flags = ImreadModes.AnyDepth | ImreadModes.IgnoreOrientation |
                    (mode == ColorMode.Gray ? ImreadModes.Grayscale : ImreadModes.AnyColor);
        Mat mat;
        try
        {
            mat = Cv2.ImDecode(data, flags);
        }
        catch (OpenCVException e)
        {
            throw new ImageDecodeException(source, $"corrupt image data ({e.Message})");
        }
        if (mat.Empty())
        {
            mat.Dispose();
            throw new ImageDecodeException(source, "corrupt or truncated image data (the decoder returned no pixels)");
        }
        if (mat.Depth() != MatType.CV_8U && mat.Depth() != MatType.CV_16U)
        {
            var depth = mat.Type().ToString();
            mat.Dispose();
            throw new ImageDecodeException(source, $"pixel type {depth} is not supported (8- or 16-bit unsigned only)");
        }
        var channels = mat.Channels();
        if (channels == 1)
            return mat;
        var rgb = new Mat();
        Cv2.CvtColor(mat, rgb, channels == 4 ? ColorConversionCodes.BGRA2RGB : ColorConversionCodes.BGR2RGB);
        mat.Dispose();
        return rgb;
    }

    internal static bool IsJpeg(ReadOnlySpan<byte> data) => data.Length > 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;

    internal static bool IsPng(ReadOnlySpan<byte> data) => data.Length > 8 && data[..4].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]);

    internal static bool IsDicom(ReadOnlySpan<byte> data) => data.Length > 132 && data.Slice(128, 4).SequenceEqual("DICM"u8);

    /// <summary>
    /// True when an end-of-image marker (FF D9) sits in the stream's tail. Inside entropy-coded data FF is always
    /// followed by 00 or a restart marker, so FF D9 there means the encoder finished; some writers add padding after it.
    /// </summary>
    internal static bool HasJpegEnd(ReadOnlySpan<byte> data)
    {
        var tail = data[Math.Max(2, data.Length - 4096)..];
        for (var i = tail.Length - 2; i >= 0; i--)
        {
            if (tail[i] == 0xFF && tail[i + 1] == 0xD9)
                return true;
        }
        return false;
    }
}
