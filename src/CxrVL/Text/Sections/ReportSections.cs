namespace CxrVL.Text.Sections;

/// <summary>
/// A report split into named sections (normalized names such as <c>findings</c>, <c>impression</c>,
/// <c>indication</c>, <c>history</c>, <c>comparison</c>, <c>preamble</c>, <c>last_paragraph</c>), in report order.
/// </summary>
public sealed record ReportSections(IReadOnlyList<ReportSection> Sections)
{
    /// <summary>The text of the last non-empty section with that name (the MIT-LCP rule: a later section wins), or null.</summary>
    public string? Get(string name) =>
        Sections.LastOrDefault(s => s.Name == name && s.Text.Length > 0)?.Text;

    public string? Findings => Get(ReportSectionParser.Findings);

    public string? Impression => Get(ReportSectionParser.Impression);

    /// <summary>Indication, or the clinical history when there is no indication section.</summary>
    public string? Indication => Get(ReportSectionParser.Indication) ?? Get(ReportSectionParser.History);

    public string? Comparison => Get(ReportSectionParser.Comparison);
}
