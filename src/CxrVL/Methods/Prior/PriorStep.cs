using static TorchSharp.torch;

namespace CxrVL.Methods.Prior;

/// <summary>
/// One forward pass of PRIOR's training step: the intermediate tensors (for inspection and shape tests) and the
/// unweighted loss terms. Reconstruction tensors are null before stage 3, the quantised sentences before stage 2.
/// </summary>
/// <param name="LocalImage">Projected image tokens [B, R, D].</param>
/// <param name="GlobalImage">Projected attention-pooled image features [B, D].</param>
/// <param name="Sentences">Projected, gathered sentences [B, S, D] (cut to the query count in stage 3).</param>
/// <param name="SentenceMask">Real sentences [B, S].</param>
/// <param name="Quantised">Sentences through the prototype bank [B, S, D].</param>
/// <param name="GlobalText">Attention-pooled report embeddings [B, D].</param>
/// <param name="Cross">Local cross-attention of image tokens and sentences.</param>
/// <param name="Reconstruction">Reconstructed image [B, C, H, W].</param>
/// <param name="Decoded">Query decoder outputs [B, Q, D].</param>
/// <param name="Assignment">Decoder output matched to each padded prototype slot [B, Q].</param>
/// <param name="Terms">Unweighted loss terms by name (global, local_img, local_txt, proto, rec_img, spg, kl, gpa).</param>
public sealed record PriorStep(
    Tensor LocalImage,
    Tensor GlobalImage,
    Tensor Sentences,
    Tensor SentenceMask,
    Tensor? Quantised,
    Tensor GlobalText,
    CrossAttention Cross,
    Tensor? Reconstruction,
    Tensor? Decoded,
    Tensor? Assignment,
    IReadOnlyDictionary<string, Tensor> Terms);
