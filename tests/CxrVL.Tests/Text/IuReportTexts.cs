using System.Xml.Linq;
using CxrVL.Files;

namespace CxrVL.Tests.Text;

/// <summary>The FINDINGS and IMPRESSION texts of the shared IU X-ray reports (test input only).</summary>
internal static class IuReportTexts
{
    public static IReadOnlyList<(string Findings, string Impression)> Load()
    {
        var folder = Path.Combine(DataRoots.Dataset("iu-xray"), "ecgen-radiology");
        return Directory.GetFiles(folder, "*.xml").Order(StringComparer.Ordinal).Select(path =>
        {
            var sections = XDocument.Load(path).Descendants("AbstractText")
                .ToDictionary(e => (string?)e.Attribute("Label") ?? "", e => e.Value.Trim());
            return (sections.GetValueOrDefault("FINDINGS", ""), sections.GetValueOrDefault("IMPRESSION", ""));
        }).ToList();
    }
}
