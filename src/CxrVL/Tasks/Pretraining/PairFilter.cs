using CxrVL.Data.Manifest;

namespace CxrVL.Tasks.Pretraining;

/// <summary>Rows that can form an image-report pair, and why the others cannot (builders keep every study; methods filter).</summary>
public sealed record PairFilter(IReadOnlyList<ManifestRow> Kept, int WithoutReport, int WithoutImage)
{
    public static PairFilter Apply(IEnumerable<ManifestRow> rows, IReadOnlyList<string> reportSections)
    {
        var kept = new List<ManifestRow>();
        var (noReport, noImage) = (0, 0);
        foreach (var row in rows)
        {
            if (string.IsNullOrWhiteSpace(row.Report?.Join(reportSections)))
                noReport++;
            else if (!row.Images.Any(i => i.Present))
                noImage++;
            else
                kept.Add(row);
        }
        return new PairFilter(kept, noReport, noImage);
    }

    public string Describe(string split) =>
        $"{split}: {Kept.Count} image-report pairs ({WithoutReport} rows without text in the chosen sections, {WithoutImage} without an image file)";
}
