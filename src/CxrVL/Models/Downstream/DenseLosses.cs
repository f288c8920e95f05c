using static TorchSharp.torch;

namespace CxrVL.Models.Downstream;

/// <summary>Losses of dense heads: sigmoid focal loss, soft Dice (sigmoid, or MMSeg's over softmax classes), and GIoU of boxes given as side distances.</summary>
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

    /// <summary>
    /// MMSeg's FocalLoss (use_sigmoid) on class-index targets: each class channel a sigmoid focal term against the
    /// one-hot target, averaged over pixels and channels.
    /// </summary>
    /// <param name="logits">[B, C, H, W]</param>
    /// <param name="classes">[B, H, W] class indices</param>
    public static Tensor ClassFocal(Tensor logits, Tensor classes, double alpha, double gamma)
    {
        using var scope = NewDisposeScope();
        var oneHot = nn.functional.one_hot(classes.to(int64), logits.shape[1]).permute(0, 3, 1, 2).to(logits.dtype);
        return SigmoidFocal(logits, oneHot, alpha, gamma).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// MMSeg's DiceLoss (as MRM ships it) on class-index targets: softmax probabilities P_c; per image and class
    /// 1 - (2 Σ P_c·T_c + 1) / (Σ P_c² + Σ T_c² + 1); the mean over images, times the class's weight, summed over classes
    /// and divided by the class count (a zero weight still counts in the divisor).
    /// </summary>
    /// <param name="logits">[B, C, H, W]</param>
    /// <param name="classes">[B, H, W] class indices</param>
    /// <param name="classWeights">one weight per class, or null for 1 each</param>
    public static Tensor ClassDice(Tensor logits, Tensor classes, IReadOnlyList<double>? classWeights)
    {
        var count = logits.shape[1];
        if (classWeights is not null && classWeights.Count != count)
            throw new CxrVLException($"Dice class weights: {classWeights.Count} given for {count} classes.");
        using var scope = NewDisposeScope();
        var p = logits.softmax(1).flatten(2);
        var t = nn.functional.one_hot(classes.to(int64), count).permute(0, 3, 1, 2).flatten(2).to(p.dtype);
        var dice = 1 - (2 * (p * t).sum(-1) + 1) / (p.pow(2).sum(-1) + t.pow(2).sum(-1) + 1);
        var perClass = dice.mean([0]);
        if (classWeights is not null)
            perClass = perClass * tensor(classWeights.ToArray(), dtype: perClass.dtype, device: perClass.device);
        return (perClass.sum() / count).MoveToOuterDisposeScope();
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
