using static TorchSharp.torch;

namespace CxrVL.Methods.Mrm;

/// <summary>
/// A report batch after whole-word masking: <see cref="InputIds"/> [B, L] with the chosen words replaced by [MASK],
/// <see cref="Masked"/> [B, L] (bool) marking them, and the MLM <see cref="Labels"/> [B, L]: the original ids where the
/// loss counts, -100 (ignored) elsewhere.
/// </summary>
public sealed record MaskedRecord(Tensor InputIds, Tensor Masked, Tensor Labels);
