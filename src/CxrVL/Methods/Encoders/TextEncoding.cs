using static TorchSharp.torch;

namespace CxrVL.Methods.Encoders;

/// <summary>
/// A report's [CLS] feature [B, D], its words [B, W, D] (word pieces summed into words, as GLoRIA and MGCA do), which of
/// the W slots are real words [B, W], and the last layer's [CLS] attention to each word [B, W] (summed over its pieces).
/// </summary>
public sealed record TextEncoding(Tensor Global, Tensor Words, Tensor WordMask, Tensor WordAttention);
