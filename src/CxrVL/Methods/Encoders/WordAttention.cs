using static TorchSharp.torch;

namespace CxrVL.Methods.Encoders;

/// <summary>Reduces word-level attention maps to one map per report.</summary>
public static class WordAttention
{
    /// <summary>The mean of word-to-region attention maps [B, W, R] over the real words of each report (<paramref name="wordMask"/> [B, W]), [B, R].</summary>
    public static Tensor MeanOverWords(Tensor attention, Tensor wordMask)
    {
        using var scope = NewDisposeScope();
        var weights = wordMask.to(attention.dtype).unsqueeze(-1);
        return ((attention * weights).sum(1) / weights.sum(1).clamp_min(1)).MoveToOuterDisposeScope();
    }
}
