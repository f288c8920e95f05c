using static TorchSharp.torch;

namespace CxrVL.Methods.Encoders;

/// <summary>
/// Token ids [B, L] (int64), the 1/0 attention mask [B, L] and each token's word index [B, L] (-1 for none); methods
/// that gather sentences (PRIOR) also get each token's 1-based sentence [B, L] (0 for special tokens and padding).
/// </summary>
public sealed record TextInput(Tensor InputIds, Tensor AttentionMask, Tensor WordIds, Tensor? SentenceIds = null) : IDisposable
{
    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
        WordIds.Dispose();
        SentenceIds?.Dispose();
    }
}
