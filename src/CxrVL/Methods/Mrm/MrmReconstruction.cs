using static TorchSharp.torch;

namespace CxrVL.Methods.Mrm;

/// <summary>
/// What MRM makes of one masked batch, for inspection: <see cref="Reconstruction"/> [B, C, T, T] (the predicted patches
/// with each target patch's own mean and spread put back when the loss normalised them, in the recipe's normalised
/// pixel space), <see cref="PatchMask"/> [B, P] (1 = removed), <see cref="Report"/> (the masked report) and the MLM
/// <see cref="Logits"/> [B, L, V].
/// </summary>
public sealed record MrmReconstruction(Tensor Reconstruction, Tensor PatchMask, int TargetPatch, MaskedRecord Report, Tensor Logits);
