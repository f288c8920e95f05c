using System.Text.RegularExpressions;
using CxrVL.Text.Cleaning;

namespace CxrVL.Tests.Methods.Toy;

/// <summary>The toy method's report cleaning, a recipe CxrVL does not have: lower case, letters-only words joined by spaces.</summary>
public sealed partial class ToyWordsCleaner : IReportCleaner
{
    public string Name => "toy-words";

    public CleanedReport Clean(string report)
    {
        var words = Word().Matches(report.ToLowerInvariant()).Select(m => m.Value).ToList();
        var text = string.Join(' ', words);
        return new CleanedReport(text, [text], words.Count, words.Count > 0);
    }

    [GeneratedRegex("[a-z]+")]
    private static partial Regex Word();
}
