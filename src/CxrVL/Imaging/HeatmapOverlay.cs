using OpenCvSharp;
using static TorchSharp.torch;

namespace CxrVL.Imaging;

/// <summary>Attention heat maps drawn over radiographs (GLoRIA-style visualisation), written as PNG.</summary>
public static class HeatmapOverlay
{
    /// <summary>
    /// Blends a jet-coloured <paramref name="attention"/> map [h, w], stretched to its own minimum and maximum and
    /// resized bilinearly to the image, over the gray <paramref name="image"/> [H, W] (any value range; stretched to
    /// 0..255), 45% heat map, and writes a PNG.
    /// </summary>
    public static void WritePng(Tensor image, Tensor attention, string path)
    {
        using var blended = Blend(image, attention);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (!Cv2.ImWrite(path, blended))
            throw new CxrVLException($"could not write '{path}'.");
    }

    /// <summary>The same overlay as <see cref="WritePng"/>, as the bytes of a PNG file (for a web page or an API response).</summary>
    public static byte[] EncodePng(Tensor image, Tensor attention)
    {
        using var blended = Blend(image, attention);
        Cv2.ImEncode(".png", blended, out var png);
        return png;
    }

    private static Mat Blend(Tensor image, Tensor attention)
    {
        if (image.dim() != 2 || attention.dim() != 2)
            throw new ArgumentException("image and attention must be 2-D maps.");
        var (height, width) = ((int)image.shape[0], (int)image.shape[1]);
        using var gray = Stretch(image);
        using var small = Stretch(attention);
        using var heat = new Mat();
        Cv2.Resize(small, heat, new OpenCvSharp.Size(width, height), interpolation: InterpolationFlags.Linear);
        using var heat8 = new Mat();
        heat.ConvertTo(heat8, MatType.CV_8UC1, 255);
        using var colour = new Mat();
        Cv2.ApplyColorMap(heat8, colour, ColormapTypes.Jet);
        using var gray8 = new Mat();
        gray.ConvertTo(gray8, MatType.CV_8UC1, 255);
        using var background = new Mat();
        Cv2.CvtColor(gray8, background, ColorConversionCodes.GRAY2BGR);
        var blended = new Mat();
        Cv2.AddWeighted(background, 0.55, colour, 0.45, 0, blended);
        return blended;
    }

    /// <summary>A single-channel float image of the values mapped linearly onto 0..1 (a constant map becomes 0).</summary>
    private static Mat Stretch(Tensor map)
    {
        using var scope = NewDisposeScope();
        var values = map.detach().to(ScalarType.Float32).cpu();
        var (low, high) = (values.min().item<float>(), values.max().item<float>());
        var scaled = high > low ? (values - low) / (high - low) : zeros_like(values);
        var mat = new Mat((int)map.shape[0], (int)map.shape[1], MatType.CV_32FC1);
        mat.SetArray(scaled.contiguous().data<float>().ToArray());
        return mat;
    }
}
