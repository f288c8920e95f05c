namespace CxrVL.Evaluation.Nlg;

/// <summary>
/// The n-grams of one text, split on whitespace as Python's <c>str.split()</c> does (the coco-caption scorers' only
/// tokenisation); an n-gram is its tokens joined by one space, which is unambiguous because tokens hold no whitespace.
/// </summary>
internal sealed class NgramCounts
{
    private NgramCounts(int length, Dictionary<string, int>[] byOrder)
    {
        Length = length;
        ByOrder = byOrder;
    }

    /// <summary>Number of tokens.</summary>
    public int Length { get; }

    /// <summary>Counts per order: index 0 holds unigrams, index n-1 holds n-grams.</summary>
    public Dictionary<string, int>[] ByOrder { get; }

    public static NgramCounts Of(string text, int maxOrder)
    {
        var tokens = PythonSplit(text).ToArray();
        var byOrder = new Dictionary<string, int>[maxOrder];
        for (var k = 1; k <= maxOrder; k++)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i + k <= tokens.Length; i++)
            {
                var ngram = k == 1 ? tokens[i] : string.Join(' ', tokens, i, k);
                counts[ngram] = counts.GetValueOrDefault(ngram) + 1;
            }
            byOrder[k - 1] = counts;
        }
        return new NgramCounts(tokens.Length, byOrder);
    }

    /// <summary>Python's <c>str.split()</c>: runs of whitespace separate, no empty tokens.</summary>
    public static List<string> PythonSplit(string text)
    {
        var tokens = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var space = i == text.Length || IsPythonWhitespace(text[i]);
            if (space && start >= 0)
            {
                tokens.Add(text[start..i]);
                start = -1;
            }
            else if (!space && start < 0)
            {
                start = i;
            }
        }
        return tokens;
    }

    // str.isspace also counts the ASCII separators U+001C..U+001F, which char.IsWhiteSpace does not.
    private static bool IsPythonWhitespace(char c) => char.IsWhiteSpace(c) || c is >= '\u001c' and <= '\u001f';
}
