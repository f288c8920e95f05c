using System.Text.RegularExpressions;
using CxrVL.Text;
using CxrVL.Text.Cleaning;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>
/// A report's target text: the chosen sentences (<see cref="RrgDataConfig.KeepSentences"/>), then the recipe's cleaning
/// (R2Gen's lower-case " . "-joined words). Thread-safe, so loader workers share it.
/// </summary>
public sealed class ReportTextPreparer
{
    private readonly Regex? _keep;
    private readonly SentenceSplitter _splitter = new();
    private readonly IReportCleaner _cleaner;

    public ReportTextPreparer(RrgDataConfig data)
    {
        _cleaner = ReportCleaners.BuiltIn.Create(data.Cleaner);
        if (!string.IsNullOrWhiteSpace(data.KeepSentences))
        {
            try
            {
                _keep = new Regex(data.KeepSentences, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                throw new CxrVLException($"data.keep_sentences is not a valid regular expression: {e.Message}");
            }
        }
    }

    /// <summary>The kept sentences of a raw report, joined by spaces (the text the labeler reads).</summary>
    public string Select(string report)
    {
        if (_keep is null)
            return report;
        var kept = _splitter.Split(report).Where(s => _keep.IsMatch(s)).ToList();
        return kept.Count == 0 ? report : string.Join(" ", kept);
    }

    /// <summary>The cleaned target text of a raw report.</summary>
    public string Prepare(string report) => _cleaner.Clean(Select(report)).Text;
}
