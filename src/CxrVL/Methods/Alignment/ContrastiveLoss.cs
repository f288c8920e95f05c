using CxrVL.Precision;
using CxrVL.Training.Distributed;
using static TorchSharp.torch;

namespace CxrVL.Methods.Alignment;

/// <summary>Global image-report InfoNCE (ConVIRT, CLIP, PRIOR's L_global, MGCA's ITA).</summary>
public static class ContrastiveLoss
{
    /// <summary>
    /// Cross-entropy of the scaled cosine similarities in both directions, the i-th image matching the i-th report.
    /// Embeddings are l2-normalised here; <paramref name="scale"/> is 1 / temperature (a tensor when learned, e.g. exp(logit_scale)).
    /// With a distributed <paramref name="global"/>, this rank's images and reports are scored against every rank's
    /// (global negatives); the mean over this rank's rows, averaged over ranks, is the loss of the whole batch.
    /// </summary>
    public static Tensor InfoNce(Tensor images, Tensor texts, Tensor scale, DirectionReduction reduction = DirectionReduction.Mean,
                                 GlobalBatch? global = null)
    {
        using var scope = NewDisposeScope();
        // Losses run in float32 under autocast too.
        (images, texts, scale) = (Autocast.Float32(images), Autocast.Float32(texts), Autocast.Float32(scale));
        var (imageUnits, textUnits) = (Autocast.Normalize(images, dim: -1), Autocast.Normalize(texts, dim: -1));
        Tensor imageToText, textToImage;
        if (global is { IsDistributed: true })
        {
            var (allImages, allTexts) = (global.Gather(imageUnits), global.Gather(textUnits));
            var targets = arange(allTexts.Start, allTexts.Start + allTexts.Count, device: images.device);
            imageToText = nn.functional.cross_entropy(imageUnits.matmul(allTexts.All.t()) * scale, targets);
            textToImage = nn.functional.cross_entropy(textUnits.matmul(allImages.All.t()) * scale, targets);
        }
        else
        {
            var logits = imageUnits.matmul(textUnits.t()) * scale;
            var targets = arange(logits.shape[0], device: logits.device);
            imageToText = nn.functional.cross_entropy(logits, targets);
            textToImage = nn.functional.cross_entropy(logits.t(), targets);
        }
        var loss = reduction == DirectionReduction.Mean ? (imageToText + textToImage) / 2 : imageToText + textToImage;
        return loss.MoveToOuterDisposeScope();
    }

    public static Tensor InfoNce(Tensor images, Tensor texts, double temperature, DirectionReduction reduction = DirectionReduction.Mean,
                                 GlobalBatch? global = null)
    {
        using var scale = tensor(1.0 / temperature, dtype: Autocast.Float32Type(images.dtype), device: images.device);
        return InfoNce(images, texts, scale, reduction, global);
    }
}
