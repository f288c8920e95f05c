using CxrVL.Imaging;
using OpenCvSharp;

namespace CxrVL.Tasks.Quickstart;

/// <summary>Pictures for the HTML report, encoded as PNG or JPEG bytes (the report embeds them).</summary>
public static class ReportImages
{
    /// <summary>An image file scaled so its longer side is <paramref name="size"/> pixels, as JPEG.</summary>
    public static byte[] Thumbnail(string path, int size)
    {
        using var image = ImageDecoder.Decode(path, ColorMode.Gray);
        using var eight = new Mat();
        image.Mat.ConvertTo(eight, MatType.CV_8U, image.BitDepth == 16 ? 255.0 / image.MaxValue : 1);
        var scale = size / (double)Math.Max(eight.Cols, eight.Rows);
        using var resized = new Mat();
        Cv2.Resize(eight, resized, new Size(Math.Max(1, (int)Math.Round(eight.Cols * scale)), Math.Max(1, (int)Math.Round(eight.Rows * scale))),
                   interpolation: InterpolationFlags.Area);
        return resized.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 85));
    }

    /// <summary>
    /// A gray image ([0, 1], size x size) followed by the same image with each [0, 1] heat map blended over it, every panel
    /// scaled to <paramref name="display"/> pixels, as PNG.
    /// </summary>
    public static byte[] HeatMapRow(float[] gray, IReadOnlyList<float[]> heats, int size, int display)
    {
        using var grayMat = ToMat8(gray, size);
        using var grayColour = new Mat();
        Cv2.CvtColor(grayMat, grayColour, ColorConversionCodes.GRAY2BGR);
        var panels = new List<Mat> { grayColour.Resize(new Size(display, display), interpolation: InterpolationFlags.Linear) };
        try
        {
            foreach (var heat in heats)
            {
                using var heatMat = ToMat8(heat, size);
                using var colour = new Mat();
                Cv2.ApplyColorMap(heatMat, colour, ColormapTypes.Jet);
                using var blended = new Mat();
                Cv2.AddWeighted(grayColour, 0.55, colour, 0.45, 0, blended);
                panels.Add(blended.Resize(new Size(display, display), interpolation: InterpolationFlags.Linear));
            }
            using var row = new Mat();
            Cv2.HConcat(panels.ToArray(), row);
            return row.ImEncode(".png");
        }
        finally
        {
            foreach (var panel in panels)
                panel.Dispose();
        }
    }

    private static Mat ToMat8(float[] values, int size)
    {
        if (values.Length != size * size)
            throw new ArgumentException($"{values.Length} values for a {size}x{size} image.", nameof(values));
        var bytes = new byte[values.Length];
        for (var i = 0; i < values.Length; i++)
            bytes[i] = (byte)Math.Clamp(Math.Round(values[i] * 255), 0, 255);
        var mat = new Mat(size, size, MatType.CV_8UC1);
        System.Runtime.InteropServices.Marshal.Copy(bytes, 0, mat.Data, bytes.Length);
        return mat;
    }
}
