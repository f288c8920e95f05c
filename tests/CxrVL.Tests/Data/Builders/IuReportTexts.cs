using System.Xml.Linq;
using CxrVL.Files;

namespace CxrVL.Tests.Data.Builders;

/// <summary>Real report sections from the IU X-ray XMLs, read directly with XDocument, for generated source trees.</summary>
internal static class IuReportTexts
{
    public sealed record Report(string Id, string? Findings, string? Impression, string? Indication);

    /// <summary>The first <paramref name="count"/> reports (by number) that have both findings and impression.</summary>
    public static IReadOnlyList<Report> WithFindingsAndImpression(int count) =>
        Enumerable.Range(1, 400)
            .Select(i => Path.Combine(DataRoots.Dataset("iu-xray"), "ecgen-radiology", $"{i}.xml"))
            .Where(File.Exists)
            .Select(Read)
            .Where(r => r.Findings is not null && r.Impression is not null)
            .Take(count)
            .ToList();

    private static Report Read(string path)
    {
        var xml = XDocument.Load(path);
        string? Section(string label) =>
            xml.Descendants("AbstractText").FirstOrDefault(a => (string?)a.Attribute("Label") == label)?.Value.Trim() is { Length: > 0 } text ? text : null;
        return new Report(Path.GetFileNameWithoutExtension(path), Section("FINDINGS"), Section("IMPRESSION"), Section("INDICATION"));
    }
}
