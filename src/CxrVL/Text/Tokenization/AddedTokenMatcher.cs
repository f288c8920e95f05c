namespace CxrVL.Text.Tokenization;

/// <summary>Finds added tokens in text, leftmost first and longest first at a position, as Hugging Face does.</summary>
internal sealed class AddedTokenMatcher
{
    private readonly Dictionary<int, AddedToken[]> _byFirstCodePoint;

    public AddedTokenMatcher(IEnumerable<AddedToken> tokens)
    {
        _byFirstCodePoint = tokens.Where(t => t.CodePoints.Length > 0)
            .GroupBy(t => t.CodePoints[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.CodePoints.Length).ToArray());
    }

    public bool IsEmpty => _byFirstCodePoint.Count == 0;

    /// <summary>Splits <c>text[start..end)</c> into pieces: an added token (with its id) or plain text (id null).</summary>
    public void Split(NormalizedText text, int start, int end, List<(int Start, int End, AddedToken? Token)> output)
    {
        var plain = start;
        var i = start;
        while (i < end)
        {
            if (_byFirstCodePoint.TryGetValue(text[i], out var candidates) && Match(text, i, end, candidates) is { } match)
            {
                var (matchStart, matchEnd) = (i, i + match.CodePoints.Length);
                if (match.LeftStrip)
                    while (matchStart > plain && CharClass.IsWhitespace(text[matchStart - 1])) matchStart--;
                if (match.RightStrip)
                    while (matchEnd < end && CharClass.IsWhitespace(text[matchEnd])) matchEnd++;
                if (matchStart > plain)
                    output.Add((plain, matchStart, null));
                output.Add((matchStart, matchEnd, match));
                plain = i = matchEnd;
                continue;
            }
            i++;
        }
        if (end > plain)
            output.Add((plain, end, null));
    }

    private static AddedToken? Match(NormalizedText text, int at, int end, AddedToken[] candidates)
    {
        foreach (var token in candidates)
        {
            var cps = token.CodePoints;
            if (at + cps.Length > end)
                continue;
            var equal = true;
            for (var k = 1; k < cps.Length && equal; k++)
                equal = text[at + k] == cps[k];
            if (!equal)
                continue;
            if (token.SingleWord && (at > 0 && CharClass.IsWordChar(text[at - 1]) || at + cps.Length < text.Count && CharClass.IsWordChar(text[at + cps.Length])))
                continue;
            return token;
        }
        return null;
    }
}
