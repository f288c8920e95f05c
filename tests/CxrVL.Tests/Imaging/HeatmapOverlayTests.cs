using CxrVL.Imaging;
using OpenCvSharp;
using static TorchSharp.torch;

namespace CxrVL.Tests.Imaging;

public sealed class HeatmapOverlayTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-heatmap-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void TheAttendedCellIsRedAndTheRestBlueOverTheImage()
    {
        var path = Path.Combine(_directory, "map.png");
        using var image = zeros(64, 48);
        using var attention = zeros(4, 4);
        attention[0, 0] = tensor(1f);

        HeatmapOverlay.WritePng(image, attention, path);

        using var png = Cv2.ImRead(path, ImreadModes.Color);
        Assert.Equal(64, png.Rows);
        Assert.Equal(48, png.Cols);
        // OpenCV's jet maps the maximum to dark red (0, 0, 128 in BGR) and the minimum to dark blue (128, 0, 0); over a black
        // image 45% of each remains: 58.
        var hot = png.At<Vec3b>(1, 1);
        var cold = png.At<Vec3b>(60, 44);
        Assert.True(hot.Item2 is >= 56 and <= 59 && hot.Item0 == 0 && hot.Item1 == 0, $"hot cell BGR {hot.Item0},{hot.Item1},{hot.Item2}");
        Assert.True(cold.Item0 is >= 56 and <= 59 && cold.Item1 == 0 && cold.Item2 == 0, $"cold cell BGR {cold.Item0},{cold.Item1},{cold.Item2}");
    }
}
