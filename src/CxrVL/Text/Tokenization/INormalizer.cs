namespace CxrVL.Text.Tokenization;

/// <summary>One step of a tokenizer's normaliser (Hugging Face <c>normalizer</c>), applied in place.</summary>
internal interface INormalizer
{
    void Normalize(NormalizedText text);
}
