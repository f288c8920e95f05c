using static TorchSharp.torch;

namespace CxrVL.Methods.Mrm;

/// <summary>
/// MRM's report masking, batched: each whole word (a token and its <c>##</c> continuations, i.e. one word id) is
/// replaced by [MASK] with probability p, all of its pieces together; padding and special tokens without a word (word
/// id -1) are never masked, nor the first <c>skip</c> positions (MRM starts after the [CLS] its reports begin with).
/// There is no 80/10/10 split, as in MRM.
/// </summary>
public static class RecordMasking
{
    public const long IgnoreIndex = -100;

    /// <param name="inputIds">token ids [B, L] (int64)</param>
    /// <param name="wordIds">each token's word index [B, L] (int64), -1 for special tokens and padding</param>
    /// <param name="skip">leading positions never masked</param>
    public static MaskedRecord Mask(Tensor inputIds, Tensor wordIds, double probability, long maskId, MlmLossPositions lossOn,
                                    int skip = 0, Generator? generator = null)
    {
        if (probability is < 0 or > 1)
            throw new CxrVLException($"model.mrm.text_mask_probability must be in [0, 1] (got {probability}).");
        using var scope = NewDisposeScope();
        var batch = inputIds.shape[0];
        var words = Math.Max(0, wordIds.max().item<long>() + 1);
        // Slot 0 stands for "no word" and is never drawn; word w draws in slot w + 1.
        var draws = rand([batch, words + 1], generator: generator, device: inputIds.device) < probability;
        draws[.., 0] = false;
        var masked = draws.gather(1, (wordIds + 1).clamp_min(0));
        if (skip > 0)
            masked[.., ..skip] = false;
        var ids = where(masked, full_like(inputIds, maskId), inputIds);
        var labels = lossOn == MlmLossPositions.Masked ? where(masked, inputIds, full_like(inputIds, IgnoreIndex)) : inputIds.clone();
        return new MaskedRecord(ids.MoveToOuterDisposeScope(), masked.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }
}
