using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// What a <see cref="BertModel"/> returns (Hugging Face's <c>BaseModelOutputWithPooling</c>):
/// <see cref="LastHiddenState"/> [N, L, D]; <see cref="PoolerOutput"/> [N, D] when the model has a pooler;
/// when asked, <see cref="HiddenStates"/> (embeddings, then each layer's output: layers + 1 entries) and
/// <see cref="Attentions"/> (each layer's self-attention weights [N, heads, L, L]).
/// </summary>
public sealed record BertEncoding(
    Tensor LastHiddenState,
    Tensor? PoolerOutput,
    IReadOnlyList<Tensor>? HiddenStates,
    IReadOnlyList<Tensor>? Attentions);
