using OpenCvSharp;

namespace CxrVL.Imaging;

/// <summary>
/// Writes a final-size image as normalised floats in channel-major (C, H, W) order into a caller's buffer: one pass
/// over the pixels, through a 256-entry table for 8-bit images. A gray image fills every output channel (the
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
                if (image.BitDepth == 8)
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
