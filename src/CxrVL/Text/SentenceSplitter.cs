using System.Text;

namespace CxrVL.Text;

/// <summary>
/// Rule-based sentence splitter for radiology reports (instead of Stanza or Punkt). A sentence ends at . ? ! before
/// whitespace or the end, at a blank line, and before the next item of a numbered list ("1. ... 2. ...", also a new
/// list "Chest 1. ...") or a line starting with a bullet. It does not end at decimals ("1.5 cm"), at list numbers ("1. No effusion"), or after
/// known abbreviations ("Dr.", "e.g.", "approx.", "No. 3"). A period glued to a capitalised word
/// ("effusion.No focal") ends a sentence too. Whitespace is collapsed; list markers are removed unless
/// <see cref="KeepListMarkers"/>; fragments with no letter or digit are dropped.
/// </summary>
public sealed class SentenceSplitter
{
    private static readonly string[] DefaultAbbreviations =
    [
        "dr", "mr", "mrs", "ms", "st", "vs", "e.g", "i.e", "approx", "cf", "fig", "resp", "incl", "prox", "min", "max",
        "ca", "a.m", "p.m", "u.s",
    ];

    private readonly HashSet<string> _abbreviations;

    public SentenceSplitter(IEnumerable<string>? extraAbbreviations = null)
    {
        _abbreviations = new HashSet<string>(DefaultAbbreviations.Concat(extraAbbreviations ?? []).Select(a => a.TrimEnd('.').ToLowerInvariant()), StringComparer.Ordinal);
    }

    public bool KeepListMarkers { get; init; }

    public IReadOnlyList<string> Split(string text)
    {
        var sentences = new List<string>();
        var start = 0;
        var listNumber = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n' && BreaksAfterNewline(text, i + 1))
            {
                Add(sentences, text, start, i);
                start = i + 1;
                continue;
            }
            if (IsTokenStart(text, i) && ListMarker(text, i) is { } marker)
            {
                if (IsBlank(text, start, i))
                {
                    listNumber = marker.Number;
                    i = marker.End - 1;
                    continue;
                }
                // The next number of the current list, or a new list ("Hand 1. ... 2. ... Chest 1. ...").
                if (marker.Number == listNumber + 1 || marker.Number == 1)
                {
                    Add(sentences, text, start, i);
                    start = i;
                    listNumber = marker.Number;
                    i = marker.End - 1;
                    continue;
                }
            }
            if (c is not ('.' or '?' or '!'))
                continue;
            var after = i + 1;
            while (after < text.Length && text[after] is ')' or ']' or '"' or '\'')
                after++;
            var atEnd = after == text.Length || char.IsWhiteSpace(text[after]);
            var glued = c == '.' && after + 1 < text.Length && char.IsUpper(text[after]) && char.IsLower(text[after + 1])
                && i > 0 && char.IsLetter(text[i - 1]);
            if (!atEnd && !glued)
                continue;
            if (c == '.' && IsAbbreviation(text, start, i, after))
                continue;
            Add(sentences, text, start, after);
            start = after;
        }
        Add(sentences, text, start, text.Length);
        return sentences;
    }

    private bool IsAbbreviation(string text, int sentenceStart, int period, int after)
    {
        var wordStart = period;
        while (wordStart > sentenceStart && (char.IsLetterOrDigit(text[wordStart - 1]) || text[wordStart - 1] == '.'))
            wordStart--;
        var word = text[wordStart..period].ToLowerInvariant();
        if (word.Length == 0)
            return false;
        if (_abbreviations.Contains(word))
            return true;
        // "No. 3": "no" is an abbreviation only before a number.
        var next = after;
        while (next < text.Length && text[next] == ' ')
            next++;
        return word == "no" && next < text.Length && char.IsDigit(text[next]);
    }

    private static bool BreaksAfterNewline(string text, int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t' or '\r')
            i++;
        if (i >= text.Length)
            return false;
        return text[i] == '\n' || text[i] is '-' or '*' or '•' && i + 1 < text.Length && text[i + 1] == ' ' || ListMarker(text, i) is not null;
    }

    private static bool IsTokenStart(string text, int i) => i == 0 || char.IsWhiteSpace(text[i - 1]) || text[i - 1] == ':';

    /// <summary>
    /// "12. " or "3) " followed by text, or "1." glued to a capitalised word ("1.Severe"): a list marker with its
    /// number and where the item text starts. "1.5" is a decimal, not a marker.
    /// </summary>
    private static (int Number, int End)? ListMarker(string text, int i)
    {
        var j = i;
        while (j < text.Length && j - i < 2 && char.IsAsciiDigit(text[j]))
            j++;
        if (j == i || j >= text.Length || text[j] is not ('.' or ')') || j < text.Length - 1 && char.IsAsciiDigit(text[j + 1]))
            return null;
        var k = j + 1;
        if (k < text.Length && text[j] == '.' && char.IsUpper(text[k]))
            return (int.Parse(text.AsSpan(i, j - i)), k);
        if (k >= text.Length || !char.IsWhiteSpace(text[k]))
            return null;
        while (k < text.Length && char.IsWhiteSpace(text[k]))
            k++;
        return k < text.Length ? (int.Parse(text.AsSpan(i, j - i)), k) : null;
    }

    private static bool IsBlank(string text, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            if (!char.IsWhiteSpace(text[i]) && text[i] != ':')
                return false;
        }
        return true;
    }

    private void Add(List<string> sentences, string text, int start, int end)
    {
        var sentence = new StringBuilder(end - start);
        var space = false;
        for (var i = start; i < end; i++)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                space = sentence.Length > 0;
                continue;
            }
            if (space)
                sentence.Append(' ');
            space = false;
            sentence.Append(text[i]);
        }
        var result = sentence.ToString();
        if (!KeepListMarkers)
            result = StripMarker(result);
        if (result.Any(char.IsLetterOrDigit))
            sentences.Add(result);
    }

    private static string StripMarker(string sentence)
    {
        if (ListMarker(sentence, 0) is { } marker)
            return sentence[marker.End..];
        return sentence.Length > 2 && sentence[0] is '-' or '*' or '•' && sentence[1] == ' ' ? sentence[2..] : sentence;
    }
}
