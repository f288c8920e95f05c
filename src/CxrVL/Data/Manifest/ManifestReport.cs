namespace CxrVL.Data.Manifest;

/// <summary>
/// A report's text: the named sections (null when the report lacks them) and the full text as published.
/// </summary>
/// <param name="Findings">FINDINGS (or an alias such as "Chest PA and lateral:" bodies in MIMIC).</param>
/// <param name="Impression">IMPRESSION / CONCLUSION / SUMMARY.</param>
/// <param name="Indication">INDICATION / HISTORY / CLINICAL INFORMATION / REASON FOR EXAM (or a case narrative).</param>
/// <param name="Comparison">COMPARISON.</param>
/// <param name="FullText">The whole report, whitespace as published.</param>
public sealed record ManifestReport(
    string? Findings = null,
    string? Impression = null,
    string? Indication = null,
    string? Comparison = null,
    string? FullText = null)
{
    /// <summary>Section names as recipes write them (<c>data.report_sections</c>).</summary>
    public static IReadOnlyList<string> SectionNames { get; } = ["findings", "impression", "indication", "comparison", "full_text"];

    /// <summary>The named sections that are present, trimmed and joined with a space, in the order given; null when all are empty.</summary>
    public string? Join(IEnumerable<string> sections)
    {
        var parts = sections.Select(section => section switch
        {
            "findings" => Findings,
            "impression" => Impression,
            "indication" => Indication,
            "comparison" => Comparison,
            "full_text" => FullText,
            _ => throw new CxrVLException(
                $"unknown report section '{section}' in data.report_sections; use {string.Join(", ", SectionNames)}."),
        }).Where(text => !string.IsNullOrWhiteSpace(text)).Select(text => text!.Trim());
        var joined = string.Join(" ", parts);
        return joined.Length == 0 ? null : joined;
    }
}
