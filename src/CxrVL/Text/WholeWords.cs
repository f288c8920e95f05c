namespace CxrVL.Text;

/// <summary>
/// Groups WordPiece tokens into whole words: a token starting with the continuation prefix (<c>##</c>) joins the
/// word before it. Used by whole-word masking (MRM) and by merging piece embeddings back into words (MGCA, MedST).
/// </summary>
public static class WholeWords
{
    /// <summary>A word index per token (0, 1, ...), -1 for special tokens and padding.</summary>
    public static int[] Group(TokenizedText encoding, string prefix = "##")
    {
        var groups = new int[encoding.Length];
        var word = -1;
        var previousWasContent = false;
        for (var i = 0; i < encoding.Length; i++)
        {
            if (encoding.SpecialMask[i] == 1)
            {
                groups[i] = -1;
                previousWasContent = false;
                continue;
            }
            if (!(previousWasContent && encoding.Tokens[i].StartsWith(prefix, StringComparison.Ordinal)))
                word++;
            groups[i] = word;
            previousWasContent = true;
        }
        return groups;
    }

    /// <summary>The token positions of each whole word, in order.</summary>
    public static IReadOnlyList<int[]> Spans(TokenizedText encoding, string prefix = "##")
    {
        var groups = Group(encoding, prefix);
        return groups.Select((g, i) => (Group: g, Index: i)).Where(x => x.Group >= 0)
            .GroupBy(x => x.Group).OrderBy(g => g.Key).Select(g => g.Select(x => x.Index).ToArray()).ToArray();
    }
}
