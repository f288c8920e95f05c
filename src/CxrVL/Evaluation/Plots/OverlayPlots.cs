using System.Runtime.InteropServices;
using CxrVL.Evaluation.Detection;
using CxrVL.Imaging;
using OpenCvSharp;
using static TorchSharp.torch;

namespace CxrVL.Evaluation.Plots;

/// <summary>
/// Test images with what the model found drawn over them, as PNG: segmentation outlines (truth green, prediction red)
/// and detection boxes (truth green, detections red with their score). The image is the model input, rescaled to its
/// own minimum and maximum, so any normalisation displays.
/// </summary>
public static class OverlayPlots
{
    private static readonly Scalar Truth = new(0, 200, 0);
    private static readonly Scalar Predicted = new(0, 0, 255);

    /// <param name="image">[C, H, W] model input.</param>
    /// <param name="truth">[M, H, W] truth masks in {0, 1}.</param>
    /// <param name="predicted">[M, H, W] predicted masks in {0, 1}.</param>
    public static void WriteMasks(string pngPath, Tensor image, Tensor truth, Tensor predicted)
    {
        using var canvas = Canvas(image);
        for (var m = 0; m < truth.shape[0]; m++)
        {
            DrawOutline(canvas, truth[m], Truth);
            DrawOutline(canvas, predicted[m], Predicted);
        }
        Save(pngPath, canvas);
    }

    /// <param name="image">[C, H, W] model input; boxes in its pixels.</param>
    public static void WriteBoxes(string pngPath, Tensor image, IEnumerable<Box> truth, IEnumerable<DetectedBox> detections)
    {
        using var canvas = Canvas(image);
        foreach (var box in truth)
            canvas.Rectangle(Rect(box), Truth, 1);
        foreach (var detection in detections)
        {
            var rect = Rect(detection.Box);
            canvas.Rectangle(rect, Predicted, 1);
            canvas.PutText(detection.Score.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), new Point(rect.X + 2, rect.Y + 10),
                HersheyFonts.HersheySimplex, 0.3, Predicted);
        }
        Save(pngPath, canvas);
    }

    private static Mat Canvas(Tensor image)
    {
        using var scope = NewDisposeScope();
        var gray = image.to(float32).cpu().mean([0]);
        var (low, high) = (gray.min().item<float>(), gray.max().item<float>());
        var scaled = ((gray - low) / Math.Max(high - low, 1e-6f) * 255).round().to(ScalarType.Byte).contiguous();
        var (height, width) = ((int)scaled.shape[0], (int)scaled.shape[1]);
        using var mat = new Mat(height, width, MatType.CV_8UC1);
        var bytes = scaled.bytes;
        Marshal.Copy(bytes.ToArray(), 0, mat.Data, bytes.Length);
        var color = new Mat();
        Cv2.CvtColor(mat, color, ColorConversionCodes.GRAY2BGR);
        return color;
    }

    private static void DrawOutline(Mat canvas, Tensor mask, Scalar color)
    {
        using var scope = NewDisposeScope();
        var binary = mask.gt(0.5).to(ScalarType.Byte).mul(255).cpu().contiguous();
        using var mat = new Mat((int)binary.shape[0], (int)binary.shape[1], MatType.CV_8UC1);
        var bytes = binary.bytes;
        Marshal.Copy(bytes.ToArray(), 0, mat.Data, bytes.Length);
        Cv2.FindContours(mat, out var contours, out _, RetrievalModes.External, ContourApproximationModes.ApproxSimple);
        Cv2.DrawContours(canvas, contours, -1, color, 1);
    }

    private static Rect Rect(Box box) =>
        new((int)Math.Round(box.X), (int)Math.Round(box.Y), Math.Max(1, (int)Math.Round(box.Width)), Math.Max(1, (int)Math.Round(box.Height)));

    private static void Save(string pngPath, Mat canvas)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(pngPath))!);
        if (!Cv2.ImWrite(pngPath, canvas))
            throw new CxrVLException($"could not write '{pngPath}'.");
    }
}
