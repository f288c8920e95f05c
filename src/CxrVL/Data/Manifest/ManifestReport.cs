using System.Runtime.CompilerServices;
using System.Text.Json;

namespace CxrVL.Data.Manifest;

/// <summary>
/// A report's text: the named sections (null when the report lacks them) and the full text as published. A report
/// read by <see cref="ManifestReader.ReadAll"/> keeps its texts as the JSON strings in the manifest's bytes (which the
/// rows then hold, one array per block of lines) and decodes one when asked: the texts are most of a row, and as
/// strings they are millions of objects the garbage collector walks and copies while the rows load. A text set with
/// <c>with</c> replaces the kept one; equality compares the texts, wherever they are kept.
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
    private const int Fields = 5;

    private readonly string? _findings = Findings;
    private readonly string? _impression = Impression;
    private readonly string? _indication = Indication;
    private readonly string? _comparison = Comparison;
    private readonly string? _fullText = FullText;
    // The texts as JSON string tokens (quotes included; length 0 = absent) in the manifest's bytes, and which of
    // them a later init replaced.
    private readonly byte[]? _bytes;
    private readonly TokenSpans _tokens;
    private readonly int _replaced;

    private ManifestReport(byte[] bytes, TokenSpans tokens)
        : this()
    {
        _bytes = bytes;
        _tokens = tokens;
    }

    public string? Findings { get => Text(0, _findings); init => (_findings, _replaced) = (value, _replaced | 1 << 0); }

    public string? Impression { get => Text(1, _impression); init => (_impression, _replaced) = (value, _replaced | 1 << 1); }

    public string? Indication { get => Text(2, _indication); init => (_indication, _replaced) = (value, _replaced | 1 << 2); }

    public string? Comparison { get => Text(3, _comparison); init => (_comparison, _replaced) = (value, _replaced | 1 << 3); }

    public string? FullText { get => Text(4, _fullText); init => (_fullText, _replaced) = (value, _replaced | 1 << 4); }

    /// <summary>Section names as recipes write them (<c>data.report_sections</c>), in the order of the texts.</summary>
    public static IReadOnlyList<string> SectionNames { get; } = ["findings", "impression", "indication", "comparison", "full_text"];

    /// <summary>
    /// The report whose texts are the JSON string tokens at <paramref name="tokens"/> in <paramref name="bytes"/>
    /// (known to be valid: the row they came from was read in full).
    /// </summary>
    internal static ManifestReport FromTokens(byte[] bytes, TokenSpans tokens) => new(bytes, tokens);

    private string? Text(int field, string? own)
    {
        if (_bytes is null || (_replaced & 1 << field) != 0 || _tokens[field].Length == 0)
            return own;
        var reader = new Utf8JsonReader(_bytes.AsSpan(_tokens[field].Start, _tokens[field].Length));
        reader.Read();
        return reader.GetString();
    }

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

    /// <summary>Where one text's JSON string token is: start and length in bytes (0 = absent).</summary>
    internal readonly record struct TokenSpan(int Start, int Length);

    /// <summary>The five texts' tokens, in <see cref="SectionNames"/> order.</summary>
    [InlineArray(Fields)]
    internal struct TokenSpans
    {
        private TokenSpan _first;
    }
}
