namespace CxrVL.Text.Cleaning;

/// <summary>
/// PRIOR's sentence lists: the report (impression then findings) split into sentences with whitespace normalised,
/// rule-based instead of Stanza; the text is the sentences joined with single spaces (PRIOR joined them with no
/// separator, which merges words across sentences). A report with fewer than <c>MinSentences</c> sentences (4, as
/// PRIOR's builder keeps) is marked not kept.
/// </summary>
public sealed class PriorSentenceCleaner(SentenceSplitter? splitter = null, int minSentences = 4) : IReportCleaner
{
    private readonly SentenceSplitter _splitter = splitter ?? new SentenceSplitter();

    public string Name => "prior";

    public int MinSentences => minSentences;

    public CleanedReport Clean(string report)
    {
        var sentences = _splitter.Split(report);
        var text = string.Join(' ', sentences);
        return new CleanedReport(text, sentences, text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length, sentences.Count >= minSentences);
    }
}
