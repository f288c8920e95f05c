using System.Text;

namespace CxrVL.Text.Cleaning;

/// <summary>
/// R2Gen's (and XProNet's) word-level cleaning, as its tokenizer does it: collapse repeated periods (MIMIC also
/// newlines, underscores and double spaces), drop list numbering "1. " .. "5. ", strip, lower-case, split on ". ",
/// then per sentence remove quotes, slashes, backslashes and apostrophes and every character of the class
/// <c>[.,?;*!%^&amp;_+():-\[\]{}]</c> (whose <c>:-\[</c> is a range, so : ; &lt; = &gt; ? @ go too), and join the
/// sentences as "a . b ." (empty sentences are kept, as the original's filter never removes any).
/// </summary>
public sealed class R2GenCleaner(bool mimic) : IReportCleaner
{
    public string Name => mimic ? "r2gen-mimic" : "r2gen-iu";

    public CleanedReport Clean(string report)
    {
        var text = report;
        if (mimic)
        {
            text = text.Replace("\n", " ");
            text = Repeat(text, "__", "_", 7);
            text = Repeat(text, "  ", " ", 6);
            text = Repeat(text, "..", ".", 8);
        }
        else
        {
            text = Repeat(text, "..", ".", 3);
        }
        text = text.Replace("1. ", "");
        foreach (var n in "2345")
            text = text.Replace($". {n}. ", ". ");
        foreach (var n in "2345")
            text = text.Replace($" {n}. ", ". ");
        var sentences = text.Trim().ToLowerInvariant().Split(". ").Select(CleanSentence).ToArray();
        var joined = string.Join(" . ", sentences) + " .";
        return new CleanedReport(joined, sentences, joined.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length, Kept: true);
    }

    private static string Repeat(string text, string from, string to, int times)
    {
        for (var i = 0; i < times; i++)
            text = text.Replace(from, to);
        return text;
    }

    private static string CleanSentence(string sentence)
    {
        var s = sentence.Replace("\"", "").Replace("/", "").Replace("\\", "").Replace("'", "").Trim().ToLowerInvariant();
        var kept = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (!IsRemoved(c))
                kept.Append(c);
        }
        return kept.ToString();
    }

    private static bool IsRemoved(char c) =>
        c is '.' or ',' or '?' or ';' or '*' or '!' or '%' or '^' or '&' or '_' or '+' or '(' or ')' or ']' or '{' or '}'
        || c is >= ':' and <= '[';
}
