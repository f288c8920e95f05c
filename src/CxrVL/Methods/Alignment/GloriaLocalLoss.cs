using CxrVL.Precision;
using static TorchSharp.torch;

namespace CxrVL.Methods.Alignment;

/// <summary>Result of <see cref="GloriaLocalLoss.Compute"/>: the loss and each report's word-to-region attention over its own image.</summary>
public sealed record LocalAlignment(Tensor Loss, Tensor Attention);

/// <summary>
/// GLoRIA's local loss, batched over all image-report pairs (GLoRIA loops over reports in Python): word-region dot
/// products are softmaxed over the words, scaled by gamma1 and softmaxed over the regions; each word's attention-weighted
/// region context is compared with the word by cosine; exp(gamma2 cos) summed over the report's words gives, after a log,
/// the image-report score; scores times gamma3 are the logits of a symmetric cross-entropy.
/// </summary>
public static class GloriaLocalLoss
{
    /// <param name="words">Word embeddings, [B, T, D].</param>
    /// <param name="wordMask">True for real words, [B, T].</param>
    /// <param name="regions">Region (local image) embeddings, [B, R, D].</param>
    public static LocalAlignment Compute(Tensor words, Tensor wordMask, Tensor regions, double gamma1 = 4, double gamma2 = 5,
                                         double gamma3 = 10, DirectionReduction reduction = DirectionReduction.Mean)
    {
        using var scope = NewDisposeScope();
        // Losses run in float32 under autocast too.
        (words, regions) = (Autocast.Float32(words), Autocast.Float32(regions));
        var batch = words.shape[0];
        var invalid = wordMask.logical_not();
        // scores[i, j, t, r]: word t of report j against region r of image i.
        var scores = einsum("jtd,ird->ijtr", words, regions);
        var overWords = nn.functional.softmax(scores.masked_fill(invalid.view(1, batch, -1, 1), double.NegativeInfinity), 2);
        var overRegions = nn.functional.softmax(overWords * gamma1, 3);
        var context = overRegions.matmul(regions.unsqueeze(1));
        var cosine = nn.functional.cosine_similarity(words.unsqueeze(0), context, dim: -1, eps: 1e-8);
        var perPair = (cosine * gamma2).exp().masked_fill(invalid.unsqueeze(0), 0).sum(2).log();
        var logits = perPair * gamma3;
        var targets = arange(batch, device: words.device);
        var imageToText = nn.functional.cross_entropy(logits, targets);
        var textToImage = nn.functional.cross_entropy(logits.t(), targets);
        var loss = reduction == DirectionReduction.Mean ? (imageToText + textToImage) / 2 : imageToText + textToImage;
        var ownAttention = overRegions.diagonal(0, 0, 1).permute(2, 0, 1).detach();
        return new LocalAlignment(loss.MoveToOuterDisposeScope(), ownAttention.MoveToOuterDisposeScope());
    }
}
