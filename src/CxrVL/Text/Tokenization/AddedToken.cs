namespace CxrVL.Text.Tokenization;

/// <summary>
/// A token matched verbatim in the text before the vocabulary model runs (Hugging Face <c>added_tokens</c>), such as
/// [CLS] or [MASK] typed into a report. Non-normalised tokens are matched on the raw text, normalised ones after
/// normalisation; <c>LeftStrip</c>/<c>RightStrip</c> swallow adjacent whitespace; <c>SingleWord</c> requires word
/// boundaries.
/// </summary>
internal sealed record AddedToken(string Content, int Id, bool Special, bool Normalized, bool LeftStrip, bool RightStrip, bool SingleWord)
{
    public int[] CodePoints { get; } = Content.EnumerateRunes().Select(r => r.Value).ToArray();
}
