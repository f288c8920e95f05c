using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>What <see cref="BertForMaskedLM"/> returns: vocabulary logits [N, L, V] and the encoder's output.</summary>
public sealed record MaskedLmOutput(Tensor Logits, BertEncoding Encoding);
