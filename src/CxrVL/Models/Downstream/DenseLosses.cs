using static TorchSharp.torch;

namespace CxrVL.Models.Downstream;

/// <summary>Losses of dense heads: sigmoid focal loss, soft Dice, and GIoU of boxes given as side distances.</summary>
public static class DenseLosses
{
    /// <summary>torchvision's sigmoid_focal_loss per element (no reduction): alpha-weighted BCE scaled by (1 - p_t)^gamma; alpha &lt; 0 disables the weighting.</summary>
    public static Tensor SigmoidFocal(Tensor logits, Tensor targets, double alpha, double gamma)
    {
        using var scope = NewDisposeScope();
        var p = logits.sigmoid();
        var ce = nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction: nn.Reduction.None);
        var pt = p * targets + (1 - p) * (1 - targets);
        var loss = ce * (1 - pt).pow(gamma);
        if (alpha >= 0)
            loss = loss * (alpha * targets + (1 - alpha) * (1 - targets));
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Mean over images and channels of 1 - (2|P∩T| + 1) / (|P| + |T| + 1) with soft P = sigmoid(logits); the smoothing
    /// makes an empty truth pull the prediction to empty rather than divide by zero.
    /// </summary>
    public static Tensor SoftDice(Tensor logits, Tensor targets)
    {
        using var scope = NewDisposeScope();
        var p = logits.sigmoid().flatten(2);
        var t = targets.flatten(2);
        var dice = (2 * (p * t).sum(-1) + 1) / (p.sum(-1) + t.sum(-1) + 1);
        return (1 - dice).mean().MoveToOuterDisposeScope();
    }

    /// <summary>1 - GIoU of boxes around the same point given as distances (left, top, right, bottom) [.., 4].</summary>
    public static Tensor GiouFromDistances(Tensor predicted, Tensor target)
    {
        using var scope = NewDisposeScope();
        var (l, t, r, b) = (predicted[.., 0], predicted[.., 1], predicted[.., 2], predicted[.., 3]);
        var (tl, tt, tr, tb) = (target[.., 0], target[.., 1], target[.., 2], target[.., 3]);
        var predictedArea = (l + r) * (t + b);
        var targetArea = (tl + tr) * (tt + tb);
        var intersection = (minimum(l, tl) + minimum(r, tr)) * (minimum(t, tt) + minimum(b, tb));
        var union = predictedArea + targetArea - intersection;
        var enclosing = (maximum(l, tl) + maximum(r, tr)) * (maximum(t, tt) + maximum(b, tb)) + 1e-7;
        var giou = intersection / (union + 1e-7) - (enclosing - union) / enclosing;
        return (1 - giou).MoveToOuterDisposeScope();
    }
}
