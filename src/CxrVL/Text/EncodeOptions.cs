namespace CxrVL.Text;

/// <summary>
/// How to encode: <c>MaxLength</c> truncates (special tokens included, as Hugging Face counts them), <c>PadTo</c>
/// pads on the right to a fixed length (never truncates), <c>AddSpecialTokens</c> applies the post-processor
/// ([CLS] ... [SEP] for BERT). Null options use the tokenizer's own defaults (tokenizer.json truncation/padding).
/// </summary>
public sealed record EncodeOptions(int? MaxLength = null, int? PadTo = null, bool AddSpecialTokens = true)
{
    /// <summary>Truncate and pad to exactly <paramref name="length"/> tokens.</summary>
    public static EncodeOptions Fixed(int length) => new(length, length);
}
