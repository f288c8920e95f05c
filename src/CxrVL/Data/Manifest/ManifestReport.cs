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
    string? FullText = null);
