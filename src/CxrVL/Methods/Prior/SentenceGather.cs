using static TorchSharp.torch;

namespace CxrVL.Methods.Prior;

/// <summary>PRIOR's sentence gather: the mean of each sentence's token features, for a whole batch at once.</summary>
public static class SentenceGather
{
    /// <param name="tokens">Token features [B, L, D].</param>
    /// <param name="sentenceIds">1-based sentence of each token, 0 for special tokens and padding, [B, L] int64.</param>
    /// <returns>Sentence features [B, S, D] (S = the batch's most sentences; zeros where a report has fewer) and which are real [B, S].</returns>
    public static (Tensor Sentences, Tensor Mask) Mean(Tensor tokens, Tensor sentenceIds)
    {
        using var scope = NewDisposeScope();
        var (batch, length, dim) = (tokens.shape[0], tokens.shape[1], tokens.shape[2]);
        var slots = Math.Max(1, sentenceIds.max().item<long>());
        // Slot 0 collects the special tokens and padding, and is dropped.
        var index = sentenceIds.clamp_min(0);
        var sums = zeros([batch, slots + 1, dim], tokens.dtype, tokens.device)
            .scatter_add(1, index.unsqueeze(-1).expand(batch, length, dim), tokens)[.., 1..];
        var counts = zeros([batch, slots + 1], tokens.dtype, tokens.device)
            .scatter_add(1, index, ones([batch, length], tokens.dtype, tokens.device))[.., 1..];
        var mask = counts > 0;
        var means = sums / counts.clamp_min(1).unsqueeze(-1);
        return (means.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope());
    }
}
