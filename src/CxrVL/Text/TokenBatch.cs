namespace CxrVL.Text;

/// <summary>
/// Texts encoded to one fixed length, as flat row-major [BatchSize, Length] arrays ready for
/// <c>torch.tensor(InputIds, [BatchSize, Length])</c>, plus the per-text encodings with their word and sentence maps.
/// </summary>
public sealed record TokenBatch(
    int BatchSize,
    int Length,
    long[] InputIds,
    long[] AttentionMask,
    long[] TokenTypeIds,
    long[] SentenceIds,
    IReadOnlyList<TokenizedText> Items)
{
    public static TokenBatch From(IReadOnlyList<TokenizedText> items, int length)
    {
        var ids = new long[items.Count * length];
        var mask = new long[items.Count * length];
        var types = new long[items.Count * length];
        var sentences = new long[items.Count * length];
        for (var b = 0; b < items.Count; b++)
        {
            var item = items[b];
            if (item.Length != length)
                throw new ArgumentException($"item {b} has {item.Length} tokens, not {length}: encode with EncodeOptions.Fixed({length}).", nameof(items));
            for (var t = 0; t < length; t++)
            {
                var at = b * length + t;
                ids[at] = item.Ids[t];
                mask[at] = item.AttentionMask[t];
                types[at] = item.TypeIds[t];
                sentences[at] = item.SentenceIds[t];
            }
        }
        return new TokenBatch(items.Count, length, ids, mask, types, sentences, items);
    }
}
