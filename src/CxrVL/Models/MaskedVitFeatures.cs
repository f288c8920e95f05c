using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// MAE's encoder output on a randomly masked image. <see cref="Tokens"/> is [N, 1 + kept, D] (class token first,
/// normalised); <see cref="Mask"/> is [N, patches] with 0 for kept and 1 for removed patches, in the original
/// patch order; <see cref="KeepIndices"/> [N, kept] are the original positions of the kept patches, in the order
/// they appear in <see cref="Tokens"/>; <see cref="RestoreIndices"/> [N, patches] put a shuffled sequence
/// (kept then removed) back into patch order with <c>gather</c>.
/// </summary>
public sealed record MaskedVitFeatures(Tensor Tokens, Tensor Mask, Tensor KeepIndices, Tensor RestoreIndices);
