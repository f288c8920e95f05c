using static TorchSharp.torch;

namespace CxrVL.Methods.Alignment;

/// <summary>Global image-report InfoNCE (ConVIRT, CLIP, PRIOR's L_global, MGCA's ITA).</summary>
public static class ContrastiveLoss
{
    /// <summary>
    /// Cross-entropy of the scaled cosine similarities in both directions, the i-th image matching the i-th report.
    /// Embeddings are l2-normalised here; <paramref name="scale"/> is 1 / temperature (a tensor when learned, e.g. exp(logit_scale)).
    /// </summary>
    public static Tensor InfoNce(Tensor images, Tensor texts, Tensor scale, DirectionReduction reduction = DirectionReduction.Mean)
    {
        using var scope = NewDisposeScope();
        var logits = nn.functional.normalize(images, dim: -1).matmul(nn.functional.normalize(texts, dim: -1).t()) * scale;
        var targets = arange(logits.shape[0], device: logits.device);
        var imageToText = nn.functional.cross_entropy(logits, targets);
        var textToImage = nn.functional.cross_entropy(logits.t(), targets);
        var loss = reduction == DirectionReduction.Mean ? (imageToText + textToImage) / 2 : imageToText + textToImage;
        return loss.MoveToOuterDisposeScope();
    }

    public static Tensor InfoNce(Tensor images, Tensor texts, double temperature, DirectionReduction reduction = DirectionReduction.Mean)
    {
        using var scale = tensor(1.0 / temperature, dtype: images.dtype, device: images.device);
        return InfoNce(images, texts, scale, reduction);
    }
}
