using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// Input of a <see cref="BertModel"/>: token ids [N, L] (int64) or ready <see cref="InputsEmbeds"/> [N, L, D];
/// an optional 1/0 <see cref="AttentionMask"/> [N, L]; <see cref="EncoderHiddenStates"/> for cross-attention.
/// The two flags ask for every layer's hidden states and attention weights.
/// </summary>
public sealed record BertInput
{
    public Tensor? InputIds { get; init; }

    public Tensor? InputsEmbeds { get; init; }

    public Tensor? AttentionMask { get; init; }

    public Tensor? TokenTypeIds { get; init; }

    /// <summary>[N, D] added to every position's embedding output before the first layer (MRM's image latent).</summary>
    public Tensor? EmbeddingOffset { get; init; }

    public Tensor? EncoderHiddenStates { get; init; }

    public Tensor? EncoderAttentionMask { get; init; }

    public bool OutputHiddenStates { get; init; }

    public bool OutputAttentions { get; init; }
}
