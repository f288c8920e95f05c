using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CxrVL.Text.Cleaning;

/// <summary>
/// MGCA's (and MedST's) caption cleaning: newlines become spaces; the text is split on list numbers
/// (<c>[0-9]+\.</c>, which also splits decimals) and then on every "."; each fragment is lower-cased and tokenised into
/// runs of word characters (Python's <c>\w+</c>); fragments of at most one word are dropped; non-ASCII characters are
/// removed from words. The caption is the fragments joined with spaces; the report is dropped (<c>Kept</c> false)
/// when fewer than 3 words remain. Give it "impression findings" as MGCA does.
/// <para>With <paramref name="joinWithoutSpace"/> it is MedST's evaluation-time <c>sent_proc</c>
/// (<c>temporal_test.py</c>, <c>zeroshot_RSNA.py</c>): the same steps, but the fragments are concatenated with no space,
/// so the last word of one fragment runs into the first of the next (recipe <c>medst-sent-proc</c>).</para>
/// </summary>
public sealed partial class MgcaCaptionCleaner(bool joinWithoutSpace = false) : IReportCleaner
{
    [GeneratedRegex("[0-9]+\\.")]
    private static partial Regex ListNumber();

    public string Name => joinWithoutSpace ? "medst-sent-proc" : "mgca";

    public CleanedReport Clean(string report)
    {
        var sentences = new List<string>();
        var words = 0;
        foreach (var point in ListNumber().Split(report.Replace("\n", " ")))
        {
            foreach (var fragment in point.Split('.'))
            {
                if (fragment.Length == 0)
                    continue;
                var tokens = WordRuns(fragment.Replace("\uFFFD\uFFFD", " ").ToLowerInvariant());
                if (tokens.Count <= 1)
                    continue;
                var ascii = tokens.Select(t => new string(t.Where(char.IsAscii).ToArray())).Where(t => t.Length > 0).ToList();
                if (ascii.Count > 0)
                    sentences.Add(string.Join(' ', ascii));
                words += ascii.Count;
            }
        }
        return new CleanedReport(string.Join(joinWithoutSpace ? "" : " ", sentences), sentences, words, Kept: words >= 3);
    }

    /// <summary>Python's <c>\w</c> on str: alphanumeric in the <c>str.isalnum</c> sense (letters and all numbers) or '_'.</summary>
    private static List<string> WordRuns(string text)
    {
        var runs = new List<string>();
        var run = new StringBuilder();
        foreach (var c in text)
        {
            var category = char.GetUnicodeCategory(c);
            var word = c == '_' || char.IsLetter(c) || category is UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;
            if (word)
            {
                run.Append(c);
            }
            else if (run.Length > 0)
            {
                runs.Add(run.ToString());
                run.Clear();
            }
        }
        if (run.Length > 0)
            runs.Add(run.ToString());
        return runs;
    }
}
