using static TorchSharp.torch;

namespace CxrVL.Methods.Encoders;

/// <summary>Token ids [B, L] (int64), the 1/0 attention mask [B, L] and each token's word index [B, L] (-1 for none).</summary>
public sealed record TextInput(Tensor InputIds, Tensor AttentionMask, Tensor WordIds);
