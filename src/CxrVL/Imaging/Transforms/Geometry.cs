using OpenCvSharp;

namespace CxrVL.Imaging.Transforms;

/// <summary>The geometric primitives every transform is built from, applied alike to image, masks and boxes.</summary>
internal static class Geometry
{
    /// <summary>OpenCV's INTER_NEAREST_EXACT (pixel-centre nearest, as PIL), which OpenCvSharp's enum lacks.</summary>
    private const InterpolationFlags NearestExact = (InterpolationFlags)6;

    public static void Resize(ImageSample sample, int width, int height, Interpolation interpolation)
    {
        if (width == sample.Width && height == sample.Height)
            return;
        var sx = (float)width / sample.Width;
        var sy = (float)height / sample.Height;
        Map(sample, (mat, isMask) =>
        {
            if (!isMask && interpolation is Interpolation.Linear or Interpolation.Cubic)
                return PilResampler.Resize(mat, width, height, interpolation == Interpolation.Cubic);
            var dst = new Mat();
            Cv2.Resize(mat, dst, new Size(width, height), 0, 0, isMask ? NearestExact : Flags(interpolation));
            return dst;
        });
        Boxes(sample, b => b with { X0 = b.X0 * sx, X1 = b.X1 * sx, Y0 = b.Y0 * sy, Y1 = b.Y1 * sy }, width, height);
    }

    /// <summary>Crops the rectangle (x, y, width, height); parts outside the image are zero.</summary>
    public static void Crop(ImageSample sample, int x, int y, int width, int height)
    {
        if (x == 0 && y == 0 && width == sample.Width && height == sample.Height)
            return;
        var wanted = new Rect(x, y, width, height);
        var inside = new Rect(0, 0, sample.Width, sample.Height);
        Map(sample, (mat, _) =>
        {
            if (inside.Contains(wanted))
                return new Mat(mat, wanted);
            var dst = new Mat(height, width, mat.Type(), Scalar.All(0));
            var overlap = inside.Intersect(wanted);
            if (overlap.Width > 0 && overlap.Height > 0)
            {
                using var from = new Mat(mat, overlap);
                using var to = new Mat(dst, new Rect(overlap.X - x, overlap.Y - y, overlap.Width, overlap.Height));
                from.CopyTo(to);
            }
            return dst;
        });
        Boxes(sample, b => b with { X0 = b.X0 - x, X1 = b.X1 - x, Y0 = b.Y0 - y, Y1 = b.Y1 - y }, width, height);
    }

    public static void FlipHorizontal(ImageSample sample)
    {
        var width = sample.Width;
        Map(sample, (mat, _) =>
        {
            var dst = new Mat();
            Cv2.Flip(mat, dst, FlipMode.Y);
            return dst;
        });
        Boxes(sample, b => b with { X0 = width - b.X1, X1 = width - b.X0 }, sample.Width, sample.Height);
    }

    /// <summary>
    /// Warps with a forward 2x3 affine matrix in pixel-centre coordinates (OpenCV's convention), keeping the size;
    /// uncovered pixels are zero. Boxes become the axis-aligned hull of their warped corners.
    /// </summary>
    public static void Warp(ImageSample sample, double[,] matrix, Interpolation interpolation)
    {
        var size = new Size(sample.Width, sample.Height);
        using var m = Mat.FromArray(matrix);
        var imageFlags = interpolation switch
        {
            Interpolation.Nearest => InterpolationFlags.Nearest,
            Interpolation.Cubic => InterpolationFlags.Cubic,
            _ => InterpolationFlags.Linear,
        };
        sample.Image.Replace(WarpMat(sample.Image.Mat, m, size, imageFlags));
        foreach (var mask in sample.Masks)
            mask.Replace(WarpMat(mask.Mat, m, size, InterpolationFlags.Nearest));
        Boxes(sample, b =>
        {
            Span<float> xs = stackalloc float[4];
            Span<float> ys = stackalloc float[4];
            for (var corner = 0; corner < 4; corner++)
            {
                // Edge coordinates to centre coordinates and back (a half-pixel shift either side of the matrix).
                var cx = ((corner & 1) == 0 ? b.X0 : b.X1) - 0.5;
                var cy = ((corner & 2) == 0 ? b.Y0 : b.Y1) - 0.5;
                xs[corner] = (float)(matrix[0, 0] * cx + matrix[0, 1] * cy + matrix[0, 2] + 0.5);
                ys[corner] = (float)(matrix[1, 0] * cx + matrix[1, 1] * cy + matrix[1, 2] + 0.5);
            }
            return b with { X0 = Min(xs), X1 = Max(xs), Y0 = Min(ys), Y1 = Max(ys) };
        }, sample.Width, sample.Height);
    }

    private static InterpolationFlags Flags(Interpolation interpolation) => interpolation switch
    {
        Interpolation.Nearest => NearestExact,
        Interpolation.Area => InterpolationFlags.Area,
        _ => throw new ArgumentOutOfRangeException(nameof(interpolation), interpolation, "Linear and Cubic resize with PilResampler."),
    };

    private static Mat WarpMat(Mat src, Mat matrix, Size size, InterpolationFlags flags)
    {
        var dst = new Mat();
        Cv2.WarpAffine(src, dst, matrix, size, flags, BorderTypes.Constant, Scalar.All(0));
        return dst;
    }

    /// <summary>Applies one step to the image and each mask; the flag tells a mask, which must not blend labels.</summary>
    private static void Map(ImageSample sample, Func<Mat, bool, Mat> transform)
    {
        sample.Image.Replace(transform(sample.Image.Mat, false));
        foreach (var mask in sample.Masks)
            mask.Replace(transform(mask.Mat, true));
    }

    private static void Boxes(ImageSample sample, Func<BoundingBox, BoundingBox> transform, int width, int height)
    {
        for (var i = 0; i < sample.Boxes.Count; i++)
        {
            var b = transform(sample.Boxes[i]);
            sample.Boxes[i] = b with
            {
                X0 = Math.Clamp(b.X0, 0, width), X1 = Math.Clamp(b.X1, 0, width),
                Y0 = Math.Clamp(b.Y0, 0, height), Y1 = Math.Clamp(b.Y1, 0, height),
            };
        }
    }

    private static float Min(ReadOnlySpan<float> values)
    {
        var min = values[0];
        foreach (var v in values)
            min = Math.Min(min, v);
        return min;
    }

    private static float Max(ReadOnlySpan<float> values)
    {
        var max = values[0];
        foreach (var v in values)
            max = Math.Max(max, v);
        return max;
    }
}
