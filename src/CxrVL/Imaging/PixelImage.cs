using OpenCvSharp;

namespace CxrVL.Imaging;

/// <summary>
/// A decoded image: 8- or 16-bit unsigned, 1 or 3 channels (RGB order), held in an OpenCV matrix so transforms run
/// in native code. <see cref="MaxValue"/> is the full-scale value that maps to 1.0 (255, 65535, or 2^BitsStored - 1
/// for DICOM).
/// </summary>
public sealed class PixelImage : IDisposable
{
    private Mat _mat;

    internal PixelImage(Mat mat, double maxValue)
    {
        var depth = mat.Depth();
        if (depth != MatType.CV_8U && depth != MatType.CV_16U)
            throw new ArgumentException($"pixel depth {mat.Type()} is not 8- or 16-bit unsigned.", nameof(mat));
        if (mat.Channels() is not (1 or 3))
            throw new ArgumentException($"{mat.Channels()} channels; expected 1 or 3.", nameof(mat));
        _mat = mat;
        MaxValue = maxValue;
    }

    internal Mat Mat => _mat;

    public int Width => _mat.Cols;

    public int Height => _mat.Rows;

    public int Channels => _mat.Channels();

    public int BitDepth => _mat.Depth() == MatType.CV_16U ? 16 : 8;

    public double MaxValue { get; }

    /// <summary>One sample value; for tests and inspection, not for loops over pixels.</summary>
    public int Get(int x, int y, int channel = 0)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height || (uint)channel >= (uint)Channels)
            throw new ArgumentOutOfRangeException(nameof(x), $"({x},{y},{channel}) is outside {Width}x{Height}x{Channels}.");
        return BitDepth == 16
            ? _mat.At<ushort>(y, x * Channels + channel)
            : _mat.At<byte>(y, x * Channels + channel);
    }

    /// <summary>A single-channel 8-bit image, for masks and tests.</summary>
    public static PixelImage FromGray8(ReadOnlySpan<byte> pixels, int width, int height)
    {
        if (pixels.Length != width * height)
            throw new ArgumentException($"{pixels.Length} pixels for {width}x{height}.", nameof(pixels));
        var mat = new Mat(height, width, MatType.CV_8UC1);
        pixels.CopyTo(MatSpans.Row<byte>(mat, 0, width * height));
        return new PixelImage(mat, 255);
    }

    /// <summary>Takes ownership of <paramref name="next"/> and frees the current pixels (unless they are the same).</summary>
    internal void Replace(Mat next)
    {
        if (ReferenceEquals(next, _mat))
            return;
        _mat.Dispose();
        _mat = next;
    }

    public void Dispose() => _mat.Dispose();
}
