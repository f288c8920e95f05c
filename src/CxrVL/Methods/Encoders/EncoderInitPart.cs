namespace CxrVL.Methods.Encoders;

/// <summary>One encoder filled from its own weights file.</summary>
/// <param name="Encoder">"image" or "text"</param>
/// <param name="Module">the module path in the model (<c>image_encoder.backbone</c>)</param>
/// <param name="Source">where the weights came from: the file, and for a package weight its package, version and licence</param>
/// <param name="Loaded">tensors copied</param>
/// <param name="Unused">file tensors the encoder has no place for (a classifier head, BERT's pooler)</param>
/// <param name="Note">a conversion made on the way (an RGB stem summed to one channel), or null</param>
public sealed record EncoderInitPart(string Encoder, string Module, string Source, int Loaded, IReadOnlyList<string> Unused, string? Note);
