using System.Numerics;
using OpenCvSharp;

namespace CxrVL.Imaging;

/// <summary>
/// Writes a final-size image as normalised floats in channel-major (C, H, W) order into a caller's buffer: one pass
/// over the pixels (vectorised for gray 8-bit rows, through a 256-entry table for interleaved colour). A gray image fills every output channel (the
/// grayscale-to-RGB expansion of the 3-channel recipes).
/// </summary>
public static class PixelWriter
{
    public static void Write(PixelImage image, Span<float> destination, int channels, Normalization normalization)
    {
        var width = image.Width;
        var height = image.Height;
        var plane = width * height;
        if (destination.Length < channels * plane)
            throw new ArgumentException($"buffer of {destination.Length} floats is smaller than {channels}x{height}x{width}.", nameof(destination));
        if (channels is not (1 or 3))
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "1 or 3 output channels.");
        var mat = image.Mat;
        Mat? gray = null;
        try
        {
            if (image.Channels == 3 && channels == 1)
            {
                gray = new Mat();
                Cv2.CvtColor(mat, gray, ColorConversionCodes.RGB2GRAY);
                mat = gray;
            }
            var stride = mat.Channels();
            for (var c = 0; c < channels; c++)
            {
                var source = stride == 1 ? 0 : c;
                var output = destination.Slice(c * plane, plane);
                if (image.BitDepth == 8 && stride == 1)
                    Write8Gray(mat, output, width, height, Scale(image.MaxValue, normalization, c));
                else if (image.BitDepth == 8)
                    Write8(mat, output, width, height, stride, source, Table(image.MaxValue, normalization, c));
                else
                    Write16(mat, output, width, height, stride, source, Scale(image.MaxValue, normalization, c));
            }
        }
        finally
        {
            gray?.Dispose();
        }
    }

    /// <summary>One gray channel: bytes widened to floats and scaled, a vector at a time.</summary>
    private static void Write8Gray(Mat mat, Span<float> output, int width, int height, (float A, float B) scale)
    {
        var lanes = Vector<byte>.Count;
        var quarter = Vector<float>.Count;
        var a = new Vector<float>(scale.A);
        var b = new Vector<float>(scale.B);
        for (var y = 0; y < height; y++)
        {
            var row = MatSpans.Row<byte>(mat, y, width);
            var target = output.Slice(y * width, width);
            var x = 0;
            for (; x + lanes <= width; x += lanes)
            {
                Vector.Widen(new Vector<byte>(row[x..]), out var low, out var high);
                Vector.Widen(low, out var p0, out var p1);
                Vector.Widen(high, out var p2, out var p3);
                (Vector.ConvertToSingle(p0) * a + b).CopyTo(target[x..]);
                (Vector.ConvertToSingle(p1) * a + b).CopyTo(target[(x + quarter)..]);
                (Vector.ConvertToSingle(p2) * a + b).CopyTo(target[(x + 2 * quarter)..]);
                (Vector.ConvertToSingle(p3) * a + b).CopyTo(target[(x + 3 * quarter)..]);
            }
            for (; x < width; x++)
                target[x] = row[x] * scale.A + scale.B;
        }
    }

    private static void Write8(Mat mat, Span<float> output, int width, int height, int stride, int source, float[] table)
    {
        for (var y = 0; y < height; y++)
        {
            var row = MatSpans.Row<byte>(mat, y, width * stride);
            var target = output.Slice(y * width, width);
            if (stride == 1)
            {
                for (var x = 0; x < width; x++)
                    target[x] = table[row[x]];
            }
            else
            {
                for (var x = 0; x < width; x++)
                    target[x] = table[row[x * stride + source]];
            }
        }
    }

    private static void Write16(Mat mat, Span<float> output, int width, int height, int stride, int source, (float A, float B) scale)
    {
        for (var y = 0; y < height; y++)
        {
            var row = MatSpans.Row<ushort>(mat, y, width * stride);
            var target = output.Slice(y * width, width);
            for (var x = 0; x < width; x++)
                target[x] = row[x * stride + source] * scale.A + scale.B;
        }
    }

    private static float[] Table(double maxValue, Normalization normalization, int channel)
    {
        var (a, b) = Scale(maxValue, normalization, channel);
        var table = new float[256];
        for (var v = 0; v < 256; v++)
            table[v] = v * a + b;
        return table;
    }

    /// <summary>(v / max - mean) / std as v * A + B.</summary>
    private static (float A, float B) Scale(double maxValue, Normalization normalization, int channel)
    {
        double std = normalization.StdOf(channel);
        double mean = normalization.MeanOf(channel);
        return ((float)(1 / (maxValue * std)), (float)(-mean / std));
    }
}
