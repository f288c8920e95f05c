using static TorchSharp.torch;

namespace CxrVL.Models.Downstream;

/// <summary>
/// FCOS training targets and losses. A location is positive for a truth box when it lies in the box's centre region
/// (radius x stride around the centre, clipped to the box; the whole box when radius is 0) and its largest side
/// distance falls in its level's range (stride 8: [0, 64], then doubling; the last level unbounded); on ties the
/// smallest box wins. Losses: sigmoid focal classification over all locations / positives, GIoU weighted by the
/// centre-ness target, and centre-ness BCE on positives.
/// </summary>
public static class FcosLoss
{
    /// <param name="boxes">[B, N, 4] truth boxes (x0, y0, x1, y1) in input pixels.</param>
    /// <param name="labels">[B, N] category of each box; -1 for padding.</param>
    public static IReadOnlyDictionary<string, Tensor> Compute(FcosOutput output, Tensor boxes, Tensor labels, double radius, double alpha, double gamma)
    {
        using var scope = NewDisposeScope();
        var classes = output.ClassLogits.shape[2];
        var (lower, upper) = Ranges(output.Strides);
        var clsTargets = new List<Tensor>();
        var boxTargets = new List<Tensor>();
        for (var i = 0; i < boxes.shape[0]; i++)
        {
            var (cls, box) = Assign(output.Points, output.Strides, lower, upper, boxes[i], labels[i], radius, classes);
            clsTargets.Add(cls);
            boxTargets.Add(box);
        }
        var clsTarget = stack(clsTargets);                       // [B, P, K]
        var boxTarget = stack(boxTargets);                       // [B, P, 4]
        var positive = clsTarget.sum(-1) > 0;                    // [B, P]
        var count = positive.sum().clamp_min(1).to(float32);
        var clsLoss = DenseLosses.SigmoidFocal(output.ClassLogits, clsTarget, alpha, gamma).sum() / count;

        Tensor boxLoss, centerLoss;
        if (positive.any().item<bool>())
        {
            var target = boxTarget[positive];
            var predicted = output.Distances[positive];
            var centerTarget = Centerness(target);
            boxLoss = (DenseLosses.GiouFromDistances(predicted, target) * centerTarget).sum() / centerTarget.sum().clamp_min(1e-6);
            centerLoss = nn.functional.binary_cross_entropy_with_logits(output.Centerness[positive], centerTarget);
        }
        else
        {
            // No positive location: keep the regression branches in the graph with zero loss.
            boxLoss = output.Distances.sum() * 0;
            centerLoss = output.Centerness.sum() * 0;
        }
        var terms = new Dictionary<string, Tensor>
        {
            ["cls"] = clsLoss.MoveToOuterDisposeScope(),
            ["box"] = boxLoss.MoveToOuterDisposeScope(),
            ["centerness"] = centerLoss.MoveToOuterDisposeScope(),
        };
        return terms;
    }

    /// <summary>sqrt(min(l, r) / max(l, r) x min(t, b) / max(t, b)) of side distances [M, 4].</summary>
    public static Tensor Centerness(Tensor distances)
    {
        using var scope = NewDisposeScope();
        var lr = distances[.., TensorIndex.Tensor(tensor(new long[] { 0, 2 }, device: distances.device))];
        var tb = distances[.., TensorIndex.Tensor(tensor(new long[] { 1, 3 }, device: distances.device))];
        var value = (lr.min(-1).values / lr.max(-1).values.clamp_min(1e-6)) * (tb.min(-1).values / tb.max(-1).values.clamp_min(1e-6));
        return value.clamp_min(0).sqrt().MoveToOuterDisposeScope();
    }

    private static (Tensor Lower, Tensor Upper) Ranges(Tensor strides)
    {
        var first = strides.min();
        var last = strides.max();
        var lower = where(strides == first, zeros_like(strides), strides * 4);
        var upper = where(strides == last, full_like(strides, float.PositiveInfinity), strides * 8);
        return (lower, upper);
    }

    private static (Tensor Classes, Tensor Boxes) Assign(Tensor points, Tensor strides, Tensor lower, Tensor upper, Tensor boxes, Tensor labels,
                                                       double radius, long classes)
    {
        var valid = labels >= 0;
        var p = points.shape[0];
        if (!valid.any().item<bool>())
            return (zeros(p, classes, device: points.device), zeros(p, 4, device: points.device));
        var gt = boxes[valid];                                   // [N, 4]
        var gtLabels = labels[valid];                            // [N]
        var x = points[.., 0].unsqueeze(1);
        var y = points[.., 1].unsqueeze(1);
        var (x0, y0, x1, y1) = (gt[.., 0].unsqueeze(0), gt[.., 1].unsqueeze(0), gt[.., 2].unsqueeze(0), gt[.., 3].unsqueeze(0));
        var distances = stack([x - x0, y - y0, x1 - x, y1 - y], -1);   // [P, N, 4]
        Tensor inside;
        if (radius > 0)
        {
            var (cx, cy) = ((x0 + x1) / 2, (y0 + y1) / 2);
            var r = strides.unsqueeze(1) * radius;
            var (cx0, cy0, cx1, cy1) = (maximum(cx - r, x0), maximum(cy - r, y0), minimum(cx + r, x1), minimum(cy + r, y1));
            inside = stack([x - cx0, y - cy0, cx1 - x, cy1 - y], -1).min(-1).values > 0;
        }
        else
        {
            inside = distances.min(-1).values > 0;
        }
        var largest = distances.max(-1).values;
        var inRange = (largest >= lower.unsqueeze(1)) & (largest <= upper.unsqueeze(1));
        var area = ((x1 - x0) * (y1 - y0)).expand(p, -1);
        var candidate = where(inside & inRange, area, full_like(area, float.PositiveInfinity));
        var (best, index) = candidate.min(1);
        var positive = best < float.PositiveInfinity;
        var boxTarget = distances.gather(1, index.view(-1, 1, 1).expand(-1, 1, 4)).squeeze(1);
        var classTarget = nn.functional.one_hot(gtLabels[index], classes).to(float32) * positive.unsqueeze(1).to(float32);
        return (classTarget, boxTarget * positive.unsqueeze(1).to(float32));
    }
}
