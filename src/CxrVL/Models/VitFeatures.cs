using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// What a <see cref="VisionTransformer"/> returns: <see cref="Tokens"/> is the token sequence [N, 1 + patches, D]
/// after the final <c>norm</c> (class token first; not normalised when the model pools by average and so has
/// <c>fc_norm</c> instead); <see cref="Pooled"/> is the class token or the <c>fc_norm</c>-ed patch mean;
/// <see cref="Logits"/> is <c>head</c>'s output when the model has one.
/// </summary>
public sealed record VitFeatures(Tensor Tokens, Tensor Pooled, Tensor? Logits);
