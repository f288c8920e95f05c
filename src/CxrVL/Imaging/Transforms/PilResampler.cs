using System.Numerics;
using OpenCvSharp;

namespace CxrVL.Imaging.Transforms;

/// <summary>
/// Pillow's convolution resize (the one torchvision's PIL pipelines run): separable, horizontal pass then vertical,
/// each output sample a weighted sum over a window widened by the shrink factor (antialiased), weights in 22-bit
/// fixed point and each pass rounded to the pixel type. Bilinear is the triangle filter of support 1, bicubic the
/// Keys kernel with a = -0.5 of support 2; windows are clipped to the image and their weights renormalised.
/// </summary>
internal static class PilResampler
{
    private const int PrecisionBits = 32 - 8 - 2;

    public static Mat Resize(Mat source, int width, int height, bool cubic)
    {
        var sixteen = source.Depth() == MatType.CV_16U;
        var channels = source.Channels();
        var current = source;
        Mat? intermediate = null;
        if (width != source.Cols)
        {
            intermediate = new Mat(source.Rows, width, source.Type());
            Pass(source, intermediate, horizontal: true, cubic, sixteen, channels);
            current = intermediate;
        }
        if (height == current.Rows)
            return intermediate ?? source.Clone();
        var result = new Mat(height, width, source.Type());
        Pass(current, result, horizontal: false, cubic, sixteen, channels);
        intermediate?.Dispose();
        return result;
    }

    private static void Pass(Mat input, Mat output, bool horizontal, bool cubic, bool sixteen, int channels)
    {
        var (inRows, inColumns, outRows, outColumns) = (input.Rows, input.Cols, output.Rows, output.Cols);
        var inSize = horizontal ? inColumns : inRows;
        var outSize = horizontal ? outColumns : outRows;
        var (bounds, weights, taps) = Coefficients(inSize, outSize, cubic);
        var fixedWeights = sixteen ? null : weights.Select(w => (int)(w < 0 ? -0.5 + w * (1 << PrecisionBits) : 0.5 + w * (1 << PrecisionBits))).ToArray();
        if (horizontal && !sixteen)
        {
            // Rows of the transpose are columns: the vectorised vertical pass does the horizontal one.
            using var transposed = new Mat();
            Cv2.Transpose(input, transposed);
            using var result = new Mat(outColumns, outRows, output.Type());
            Vertical8(transposed, result, bounds, fixedWeights!, taps, outRows * channels);
            Cv2.Transpose(result, output);
            return;
        }
        if (horizontal)
        {
            for (var y = 0; y < outRows; y++)
                Horizontal16(MatSpans.Row<ushort>(input, y, inColumns * channels), MatSpans.Row<ushort>(output, y, outColumns * channels), bounds, weights, taps, channels);
            return;
        }
        var rowLength = outColumns * channels;
        if (!sixteen)
        {
            Vertical8(input, output, bounds, fixedWeights!, taps, rowLength);
            return;
        }
        for (var y = 0; y < outSize; y++)
        {
            var (first, count) = (bounds[2 * y], bounds[2 * y + 1]);
            var target = MatSpans.Row<ushort>(output, y, rowLength);
            for (var x = 0; x < rowLength; x++)
            {
                double sum = 0;
                for (var k = 0; k < count; k++)
                    sum += MatSpans.Row<ushort>(input, first + k, rowLength)[x] * weights[y * taps + k];
                target[x] = (ushort)Math.Clamp(Math.Round(sum), 0, ushort.MaxValue);
            }
        }
    }

    /// <summary>Each output row is a weighted sum of input rows, eight or more samples at a time.</summary>
    private static void Vertical8(Mat input, Mat output, int[] bounds, int[] weights, int taps, int rowLength)
    {
        var outRows = output.Rows;
        var sums = new int[rowLength];
        var width = Vector<byte>.Count;
        var quarter = Vector<int>.Count;
        for (var y = 0; y < outRows; y++)
        {
            var (first, count) = (bounds[2 * y], bounds[2 * y + 1]);
            Array.Fill(sums, 1 << (PrecisionBits - 1));
            var total = sums.AsSpan();
            for (var k = 0; k < count; k++)
            {
                var row = MatSpans.Row<byte>(input, first + k, rowLength);
                var w = weights[y * taps + k];
                var factor = new Vector<int>(w);
                var x = 0;
                for (; x + width <= rowLength; x += width)
                {
                    Vector.Widen(new Vector<byte>(row[x..]), out var low, out var high);
                    Vector.Widen(low, out var a, out var b);
                    Vector.Widen(high, out var c, out var d);
                    Add(total, x, Vector.AsVectorInt32(a) * factor);
                    Add(total, x + quarter, Vector.AsVectorInt32(b) * factor);
                    Add(total, x + 2 * quarter, Vector.AsVectorInt32(c) * factor);
                    Add(total, x + 3 * quarter, Vector.AsVectorInt32(d) * factor);
                }
                for (; x < rowLength; x++)
                    total[x] += row[x] * w;
            }
            var target = MatSpans.Row<byte>(output, y, rowLength);
            for (var x = 0; x < rowLength; x++)
                target[x] = Clip8(total[x]);
        }
    }

    private static void Add(Span<int> total, int at, Vector<int> value)
    {
        var slot = total[at..];
        (new Vector<int>(slot) + value).CopyTo(slot);
    }

    private static void Horizontal16(ReadOnlySpan<ushort> row, Span<ushort> target, int[] bounds, double[] weights, int taps, int channels)
    {
        var outSize = target.Length / channels;
        for (var x = 0; x < outSize; x++)
        {
            var (first, count) = (bounds[2 * x], bounds[2 * x + 1]);
            for (var c = 0; c < channels; c++)
            {
                double sum = 0;
                for (var k = 0; k < count; k++)
                    sum += row[(first + k) * channels + c] * weights[x * taps + k];
                target[x * channels + c] = (ushort)Math.Clamp(Math.Round(sum), 0, ushort.MaxValue);
            }
        }
    }

    private static byte Clip8(int value) =>
        value <= 0 ? (byte)0 : value >= (256 << PrecisionBits) ? (byte)255 : (byte)(value >> PrecisionBits);

    /// <summary>Per output index: first input index and tap count (in <c>bounds</c>), and normalised weights.</summary>
    private static (int[] Bounds, double[] Weights, int Taps) Coefficients(int inSize, int outSize, bool cubic)
    {
        var support = cubic ? 2.0 : 1.0;
        var scale = (double)inSize / outSize;
        var filterScale = Math.Max(scale, 1.0);
        support *= filterScale;
        var taps = (int)Math.Ceiling(support) * 2 + 1;
        var bounds = new int[2 * outSize];
        var weights = new double[outSize * taps];
        for (var i = 0; i < outSize; i++)
        {
            var center = (i + 0.5) * scale;
            var first = Math.Max(0, (int)(center - support + 0.5));
            var count = Math.Min(inSize, (int)(center + support + 0.5)) - first;
            double total = 0;
            for (var k = 0; k < count; k++)
            {
                var w = Filter((k + first - center + 0.5) / filterScale, cubic);
                weights[i * taps + k] = w;
                total += w;
            }
            if (total != 0)
            {
                for (var k = 0; k < count; k++)
                    weights[i * taps + k] /= total;
            }
            bounds[2 * i] = first;
            bounds[2 * i + 1] = count;
        }
        return (bounds, weights, taps);
    }

    private static double Filter(double x, bool cubic)
    {
        x = Math.Abs(x);
        if (!cubic)
            return x < 1 ? 1 - x : 0;
        const double a = -0.5;
        return x < 1 ? ((a + 2) * x - (a + 3)) * x * x + 1
            : x < 2 ? (((x - 5) * x + 8) * x - 4) * a
            : 0;
    }
}
