using static TorchSharp.torch;

namespace CxrVL.Methods.Encoders;

/// <summary>Global features [B, G] and local features [B, R, L] (regions of a ResNet map, or ViT patch tokens) of images.</summary>
public sealed record ImageEncoding(Tensor Global, Tensor Local);
