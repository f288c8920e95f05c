using System.Text.RegularExpressions;
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

    /// <summary>The first <paramref name="count"/> distinct sentences (over 20 characters) of those reports' findings: real report sentences for encoders.</summary>
    public static IReadOnlyList<string> FindingsSentences(int count)
    {
        var sentences = WithFindingsAndImpression(40)
            .SelectMany(r => Regex.Split(r.Findings!, @"(?<=\.)\s+"))
            .Where(s => s.Length > 20).Distinct().Take(count).ToList();
        Assert.Equal(count, sentences.Count);
        return sentences;
    }

    private static Report Read(string path)
    {
        var xml = XDocument.Load(path);
        string? Section(string label) =>
            xml.Descendants("AbstractText").FirstOrDefault(a => (string?)a.Attribute("Label") == label)?.Value.Trim() is { Length: > 0 } text ? text : null;
        return new Report(Path.GetFileNameWithoutExtension(path), Section("FINDINGS"), Section("IMPRESSION"), Section("INDICATION"));
    }
}
