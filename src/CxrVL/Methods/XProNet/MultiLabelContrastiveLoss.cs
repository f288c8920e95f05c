using CxrVL.Precision;
using static TorchSharp.torch;

namespace CxrVL.Methods.XProNet;

/// <summary>
/// XProNet's improved multi-label contrastive loss on one response vector per sample. Samples i and j are positives
/// when they share a positive label (i with itself included); a positive pair should reach the cosine
/// m_ij = alpha^(-|l_i - l_j|_1 / (|l_i|_1 + |l_j|_1)) (1 for identical label sets), a negative pair should stay below
/// <c>margin</c>: loss = sum_ij [pos] max(0, m_ij - cos_ij) + [neg] max(0, cos_ij - margin), divided by B^2.
/// </summary>
public static class MultiLabelContrastiveLoss
{
    /// <param name="features">[B, D].</param>
    /// <param name="labels">[B, K] in {0, 1}.</param>
    public static Tensor Compute(Tensor features, Tensor labels, double margin = 0.4, double alpha = 1.5)
    {
        using var scope = NewDisposeScope();
        // Losses run in float32 under autocast too.
        features = Autocast.Float32(features);
        var b = features.shape[0];
        var normalized = Autocast.Normalize(features, dim: 1);
        var cosine = normalized.matmul(normalized.t());
        var l = labels.to_type(features.dtype);
        var positive = l.matmul(l.t()).gt(0);
        var difference = (l.unsqueeze(1) - l.unsqueeze(0)).abs().sum(-1);
        var counts = l.sum(1);
        var total = (counts.unsqueeze(1) + counts.unsqueeze(0)).clamp_min(1e-12);
        var target = (difference / total * -Math.Log(alpha)).exp();
        var positiveLoss = (target - cosine).clamp_min(0).masked_fill(positive.logical_not(), 0);
        var negativeLoss = (cosine - margin).clamp_min(0).masked_fill(positive, 0);
        return ((positiveLoss.sum() + negativeLoss.sum()) / (b * b)).MoveToOuterDisposeScope();
    }
}
