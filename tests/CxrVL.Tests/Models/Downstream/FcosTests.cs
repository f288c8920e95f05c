using CxrVL.Models.Downstream;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tests.Models.Downstream;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class FcosTests
{
    [Fact]
    public void LocationsInsideASmallBoxAreItsPositivesOnTheFinestLevel()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var head = new FcosHead(16, 2, 2, 1);
        // Two levels over a 32 x 32 image: stride 8 (4 x 4 locations), stride 16 (2 x 2).
        var output = head.forward(([randn(1, 16, 4, 4), randn(1, 16, 2, 2)], [8, 16]));
        Assert.Equal(new long[] { 1, 20, 2 }, output.ClassLogits.shape);
        // Locations of level 0 sit at 4, 12, 20, 28; of level 1 at 8, 24.
        Assert.Equal(new[] { 4f, 4f }, output.Points[0].data<float>().ToArray());
        Assert.Equal(new[] { 8f, 8f }, output.Points[16].data<float>().ToArray());

        // One box of category 1 from (2, 2) to (14, 14): without centre sampling the stride-8 locations (4, 4), (12, 4),
        // (4, 12), (12, 12) lie inside, their largest side distance (10) is in [0, 64]; the stride-16 location (8, 8)
        // is inside too but its range [64, inf) excludes a distance of 6.
        var boxes = tensor(new float[] { 2, 2, 14, 14, 0, 0, 0, 0 }, [1, 2, 4]);
        var labels = tensor(new long[] { 1, -1 }, [1, 2]);
        var terms = FcosLoss.Compute(output, boxes, labels, radius: 0, alpha: 0.25, gamma: 2);
        foreach (var term in terms.Values)
            Assert.True(double.IsFinite(term.ToDouble()), "loss terms are finite");

        // Hand-computed classification loss: 4 positives of category 1, every other (location, category) negative.
        var logits = output.ClassLogits[0];
        var target = zeros(20, 2);
        foreach (var location in new[] { 0, 1, 4, 5 })
            target[location, 1] = 1;
        var p = logits.sigmoid();
        var ce = -(target * p.log() + (1 - target) * (1 - p).log());
        var pt = p * target + (1 - p) * (1 - target);
        var expected = (ce * (1 - pt).pow(2) * (0.25 * target + 0.75 * (1 - target))).sum() / 4;
        Assert.Equal(expected.ToDouble(), terms["cls"].ToDouble(), 5);
    }

    [Fact]
    public void CenternessAndGiouMatchHandComputedValues()
    {
        using var scope = NewDisposeScope();
        // Distances (l, t, r, b) = (2, 4, 6, 4): sqrt(2/6 * 4/4).
        Assert.Equal(Math.Sqrt(1.0 / 3), FcosLoss.Centerness(tensor(new float[] { 2, 4, 6, 4 }, [1, 4])).ToDouble(), 6);
        // Identical boxes: GIoU 1. Predicted (1,1,1,1) inside target (2,2,2,2): IoU 4/16, enclosing = union, loss 0.75.
        var loss = DenseLosses.GiouFromDistances(tensor(new float[] { 2, 2, 2, 2, 1, 1, 1, 1 }, [2, 4]), tensor(new float[] { 2, 2, 2, 2, 2, 2, 2, 2 }, [2, 4]));
        Assert.Equal(0, loss[0].ToDouble(), 6);
        Assert.Equal(0.75, loss[1].ToDouble(), 6);
        // Disjoint boxes cannot arise from distances to one point; a side-by-side case: (0,1,2,1) vs (2,1,0,1): IoU 0,
        // enclosing 2 x 2 = union 4, GIoU 0, loss 1.
        var apart = DenseLosses.GiouFromDistances(tensor(new float[] { 0, 1, 2, 1 }, [1, 4]), tensor(new float[] { 2, 1, 0, 1 }, [1, 4]));
        Assert.Equal(1, apart.ToDouble(), 6);
    }
}
