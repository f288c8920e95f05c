namespace CxrVL.Data.Manifest;

/// <summary>
/// A report's text: the named sections (null when the report lacks them) and the full text as published. A report
/// read by <see cref="ManifestReader.ReadAll"/> from a plain manifest leaves its full text in the file and reads it
/// from there when asked (the sections hold most of it again, and it is the largest part of a row held in memory);
/// equality compares the texts, wherever they are kept.
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
    private readonly string? _fullText = FullText;
    // Where the full text is when it was left in the manifest: the file, and the row's line (offset and length).
    private readonly ManifestTextFile? _textFile;
    private readonly long _lineOffset;
    private readonly int _lineLength;

    private ManifestReport(ManifestReport sections, ManifestTextFile file, long lineOffset, int lineLength)
        : this(sections.Findings, sections.Impression, sections.Indication, sections.Comparison)
    {
        _textFile = file;
        _lineOffset = lineOffset;
        _lineLength = lineLength;
    }

    public string? FullText
    {
        get => _textFile is null ? _fullText : _textFile.FullTextOf(_lineOffset, _lineLength);
        init
        {
            _fullText = value;
            _textFile = null;
        }
    }

    /// <summary>Section names as recipes write them (<c>data.report_sections</c>).</summary>
    public static IReadOnlyList<string> SectionNames { get; } = ["findings", "impression", "indication", "comparison", "full_text"];

    /// <summary>This report with its full text read from <paramref name="file"/>'s row line when asked.</summary>
    internal ManifestReport WithFullTextIn(ManifestTextFile file, long lineOffset, int lineLength) => new(this, file, lineOffset, lineLength);

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

    public bool Equals(ManifestReport? other) =>
        other is not null && Findings == other.Findings && Impression == other.Impression && Indication == other.Indication &&
        Comparison == other.Comparison && FullText == other.FullText;

    public override int GetHashCode() => HashCode.Combine(Findings, Impression, Indication, Comparison, FullText);
}
