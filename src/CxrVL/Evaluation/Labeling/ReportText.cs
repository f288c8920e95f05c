using System.Text;
using System.Text.RegularExpressions;

namespace CxrVL.Evaluation.Labeling;

/// <summary>Report cleaning, sentence splitting and word tokens, as the CheXpert labeler's loader prepares text.</summary>
internal static partial class ReportText
{
    /// <summary>
    /// The loader's cleaning: lower case; "and/or" becomes "or" and any letter/letter slash " or "; ".." becomes
    /// "."; a space after every period and comma; whitespace runs become one space; empty sentences (". .") go.
    /// </summary>
    public static string Clean(string report)
    {
        var text = report.ToLowerInvariant().Replace("and/or", "or", StringComparison.Ordinal);
        text = LetterSlash().Replace(text, " or ");
        text = text.Replace("..", ".", StringComparison.Ordinal);
        var spaced = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            spaced.Append(c);
            if (c is '.' or ',')
                spaced.Append(' ');
        }
        text = string.Join(' ', spaced.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return EmptySentence().Replace(text, ".");
    }

    /// <summary>
    /// Sentences of a cleaned report: a break after '.', '?' or '!' followed by a space. (The labeler uses NLTK's
    /// Punkt splitter; on cleaned lower-case text both break at sentence-final periods, and Punkt may keep a list
    /// number such as "1." with the following sentence, which changes no label.)
    /// </summary>
    public static IReadOnlyList<string> Sentences(string cleaned)
    {
        var sentences = new List<string>();
        var start = 0;
        for (var i = 0; i < cleaned.Length; i++)
        {
            if (cleaned[i] is '.' or '?' or '!' && (i + 1 == cleaned.Length || cleaned[i + 1] == ' '))
            {
                sentences.Add(cleaned[start..(i + 1)]);
                start = i + 2;
            }
        }
        if (start < cleaned.Length)
            sentences.Add(cleaned[start..]);
        return sentences.Where(s => s.Length > 0).ToList();
    }

    /// <summary>Word tokens (letters, digits, apostrophes, hyphens) and the clause punctuation , ; : as tokens.</summary>
    public static IReadOnlyList<Token> Tokens(string sentence)
    {
        var tokens = new List<Token>();
        foreach (Match match in TokenPattern().Matches(sentence))
            tokens.Add(new Token(match.Value, match.Index, match.Index + match.Length));
        return tokens;
    }

    [GeneratedRegex("(?<=[a-zA-Z])/(?=[a-zA-Z])")]
    private static partial Regex LetterSlash();

    [GeneratedRegex(@"\.\s+\.")]
    private static partial Regex EmptySentence();

    [GeneratedRegex(@"[a-z0-9'\-]+|[,;:]")]
    private static partial Regex TokenPattern();

    internal sealed record Token(string Text, int Start, int End);
}
