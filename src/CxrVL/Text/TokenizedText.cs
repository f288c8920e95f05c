namespace CxrVL.Text;

/// <summary>
/// One encoded text, all arrays of the same length (special tokens and padding included).
/// <list type="bullet">
/// <item><c>WordIds</c>: the index of the pre-tokenised word a token belongs to (as Hugging Face's
/// <c>word_ids()</c>), -1 for special tokens and padding.</item>
/// <item><c>SentenceIds</c>: the 0-based sentence a token of the text belongs to (special tokens typed in the text
/// included), -1 for the post-processor's special tokens and padding; a plain <c>Encode</c> is one sentence, 0.</item>
/// <item><c>SpecialMask</c>: 1 for special tokens (added by the post-processor or typed in the text) and padding.</item>
/// </list>
/// </summary>
public sealed record TokenizedText(
    int[] Ids,
    string[] Tokens,
    int[] TypeIds,
    int[] AttentionMask,
    int[] SpecialMask,
    int[] WordIds,
    int[] SentenceIds,
    TokenSpan[] Offsets)
{
    public int Length => Ids.Length;

    /// <summary>Tokens that carry text (attention 1, not special).</summary>
    public int ContentTokens => SpecialMask.Count(m => m == 0);
}
