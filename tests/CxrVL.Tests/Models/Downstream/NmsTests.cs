using System.Globalization;
using CxrVL.Imaging;
using CxrVL.Models.Downstream;

namespace CxrVL.Tests.Models.Downstream;

public sealed class NmsTests
{
    [Fact]
    public void HandMadeCaseSuppressesOnlyAboveTheThreshold()
    {
        // Box 1 overlaps box 0 with IoU 50/150 = 1/3; box 2 is apart. At 0.3 box 1 goes; at 1/3 exactly it stays
        // (suppression needs IoU greater than the threshold).
        float[] boxes = [0, 0, 10, 10, 5, 0, 15, 10, 20, 20, 30, 30];
        float[] scores = [0.9f, 0.8f, 0.7f];
        Assert.Equal(new[] { 0, 2 }, Nms.Apply(boxes, scores, 0.3));
        Assert.Equal(new[] { 0, 1, 2 }, Nms.Apply(boxes, scores, 0.34));
        // In different categories the boxes never suppress each other.
        Assert.Equal(new[] { 0, 1, 2 }, Nms.Batched(boxes, scores, [0, 1, 0], 0.3));
    }

    [Fact]
    public void RandomBoxesKeepWhatTorchvisionKeeps()
    {
        var random = new Random(7);
        const int count = 300;
        var boxes = new float[count * 4];
        var scores = new float[count];
        var categories = new int[count];
        var lines = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var (x, y) = (random.Next(0, 200), random.Next(0, 200));
            var (w, h) = (random.Next(5, 60), random.Next(5, 60));
            (boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]) = (x, y, x + w, y + h);
            // Distinct scores: torchvision's sort is not stable, so ties would have no defined order.
            scores[i] = (float)(i + 1) / (count + 1);
            categories[i] = random.Next(0, 3);
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{x} {y} {x + w} {y + h} {scores[i]:R} {categories[i]}"));
        }
        var input = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(input, lines);
            double[] thresholds = [0.3, 0.5, 0.7];
            var output = PythonReference.Run(PythonReference.Script("Models/Downstream/reference/nms.py"), input,
                string.Join(',', thresholds.Select(t => t.ToString(CultureInfo.InvariantCulture)))).Split('\n');
            for (var t = 0; t < thresholds.Length; t++)
            {
                Assert.Equal(Parse(output[2 * t]), Nms.Apply(boxes, scores, thresholds[t]));
                Assert.Equal(Parse(output[2 * t + 1]), Nms.Batched(boxes, scores, categories, thresholds[t]));
            }
        }
        finally
        {
            File.Delete(input);
        }
    }

    private static int[] Parse(string line) =>
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
}
