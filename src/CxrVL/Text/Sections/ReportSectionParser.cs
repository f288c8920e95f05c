using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace CxrVL.Text.Sections;

/// <summary>
/// Splits a free-text radiology report (MIMIC-CXR <c>s&lt;study&gt;.txt</c>) into sections by its upper-case
/// headers, following the MIT-LCP MIMIC-CXR section rules: a header is an upper-case name followed by a colon at
/// the start of a line; header names are normalized through the alias table (typos, "CONCLUSION" and
/// "FINDINGS AND IMPRESSION" count as impression, "REASON FOR EXAM" as indication, ...), a header containing a main
/// section's name is that section, and one describing the whole study ("PORTABLE CHEST", "PA AND LATERAL") is
/// findings, as MIT-LCP's <c>section_parser</c> and PRIOR's <c>text_process</c> rule it; empty findings and
/// impression sections are dropped; and a report with neither gets its final paragraph as <c>last_paragraph</c>.
/// A report flattened onto one line is split at the known header names instead. The per-study manual fixes of the
/// MIT-LCP scripts are not applied.
/// </summary>
public static partial class ReportSectionParser
{
    public const string Findings = "findings";
    public const string Impression = "impression";
    public const string Indication = "indication";
    public const string History = "history";
    public const string Comparison = "comparison";
    public const string Preamble = "preamble";
    public const string LastParagraph = "last_paragraph";
    public const string FullReport = "full_report";

    // Header spellings seen in MIMIC-CXR and the section each means (MIT-LCP's table of frequent sections).
    private static readonly FrozenDictionary<string, string> Aliases = new Dictionary<string, string>
    {
        ["impression"] = Impression, ["impressions"] = Impression, ["conclusion"] = Impression, ["conclusions"] = Impression,
        ["summary"] = Impression, ["findings and impression"] = Impression, ["findings/impression"] = Impression,
        ["findings/ impression"] = Impression, ["impression and recommendation"] = Impression,
        ["impresson"] = Impression, ["imprression"] = Impression, ["imoression"] = Impression, ["impressoin"] = Impression,
        ["imprssion"] = Impression, ["impresion"] = Impression, ["imperssion"] = Impression, ["mpression"] = Impression,
        ["impession"] = Impression, ["ndication"] = Impression,
        ["findings"] = Findings, ["finding"] = Findings, ["findins"] = Findings, ["findindgs"] = Findings,
        ["findgings"] = Findings, ["findngs"] = Findings, ["findnings"] = Findings, ["finidngs"] = Findings,
        ["reference findings"] = Findings, ["chest, two views"] = Findings,
        ["indication"] = Indication, ["idication"] = Indication, ["reason for examination"] = Indication,
        ["reason for exam"] = Indication, ["clinical indication"] = Indication,
        ["history"] = History, ["clinical history"] = History, ["clinical information"] = History,
        ["patient history"] = History, ["pfi"] = History,
        ["comparison"] = Comparison, ["comparisons"] = Comparison, ["reference exam"] = Comparison,
        ["comparison exam"] = Comparison, ["comparison film"] = Comparison, ["comparision"] = Comparison,
        ["comparsion"] = Comparison, ["comparrison"] = Comparison, ["comparisions"] = Comparison,
        ["examination"] = "examination", ["exam"] = "examination", ["type of examination"] = "examination",
        ["technique"] = "technique", ["notification"] = "notification",
        ["recommendation(s)"] = "recommendations", ["recommendations"] = "recommendations", ["recommendation"] = "recommendations",
        ["addendum"] = "addendum", ["date"] = "date", ["comment"] = "comment", ["wet read"] = "wet read", ["wetread"] = "wet read",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // MIT-LCP's header pattern ("\n NAME:" then whitespace), also accepted at the very start of the text and with
    // any indentation, so flattened one-line reports ("FINAL REPORT EXAMINATION: ...") still split at the first header.
    [GeneratedRegex(@"(?:^|\n)[ \t]*([A-Z][A-Z ()/,-]*):\s", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderPattern();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();

    // Flattened reports (newlines removed, as in MRM's CSV) are split at the known header names wherever they occur.
    private static readonly Regex InlineHeaderPattern = new(
        @"(?<![A-Za-z])(" + string.Join('|', Aliases.Keys.OrderByDescending(k => k.Length).Select(k => Regex.Escape(k.ToUpperInvariant()))) + @"):\s",
        RegexOptions.CultureInvariant | RegexOptions.Compiled);

    public static ReportSections Parse(string text)
    {
        text = text.Replace("\r\n", "\n");
        var headers = text.Trim().Contains('\n') ? HeaderPattern().Matches(text) : InlineHeaderPattern.Matches(text);
        var sections = new List<ReportSection>();
        if (headers.Count == 0)
        {
            sections.Add(new ReportSection(FullReport, "", Collapse(text)));
        }
        else
        {
            sections.Add(new ReportSection(Preamble, "", Collapse(text[..headers[0].Index])));
            for (var i = 0; i < headers.Count; i++)
            {
                var start = headers[i].Index + headers[i].Length;
                var end = i + 1 < headers.Count ? headers[i + 1].Index : text.Length;
                var header = headers[i].Groups[1].Value.Trim();
                sections.Add(new ReportSection(Normalize(header), header, Collapse(text[start..end])));
            }
        }
        sections.RemoveAll(s => s.Name is Findings or Impression && s.Text.Length == 0);
        if (!sections.Any(s => s.Name is Findings or Impression))
        {
            var last = headers.Count == 0 ? text : text[(headers[^1].Index + headers[^1].Length)..];
            var paragraphs = Regex.Split(last.Trim(), @"\n[ \t]*\n");
            if (paragraphs.Length > 1)
                sections.Add(new ReportSection(LastParagraph, "", Collapse(string.Join("\n", paragraphs[1..]))));
        }
        return new ReportSections(sections);
    }

    /// <summary>The normalized section name of a header as written ("FINDINGS AND IMPRESSION" is impression).</summary>
    public static string Normalize(string header)
    {
        var name = Whitespace().Replace(header.Trim().ToLowerInvariant(), " ");
        if (Aliases.TryGetValue(name, out var alias))
            return alias;
        // Unlisted headers that name a main section ("FINAL IMPRESSION", "PA AND LATERAL FINDINGS") are that section;
        // impression is checked first, as in "FINDINGS AND IMPRESSION".
        foreach (var main in MainSections)
            if (name.Contains(main, StringComparison.Ordinal))
                return main;
        // Headers that describe the whole study ("PORTABLE CHEST", "PA AND LATERAL", "CHEST, PA LATERAL") head its findings.
        return StudyDescription().IsMatch(name) ? Findings : name;
    }

    // MIT-LCP's section_parser (and PRIOR's copy, text_process.normalize_section_names): the main sections a header
    // containing their name maps to, in the order they are tried.
    private static readonly string[] MainSections = [Impression, Findings, History, Comparison, "addendum"];

    // The same scripts' p_findings: phrases that, anywhere in an otherwise unknown header, make it a findings header.
    [GeneratedRegex("chest|portable|pa and lateral|lateral and pa|ap and lateral|lateral and ap|frontal and|two views|frontal view|pa view|ap view|one view|lateral view|bone window|frontal upright|frontal semi-upright|ribs|pa and lat",
        RegexOptions.CultureInvariant)]
    private static partial Regex StudyDescription();

    private static string Collapse(string text) => Whitespace().Replace(text, " ").Trim();
}
