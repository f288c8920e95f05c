using System.Globalization;
using System.Text;
using CxrVL.Data.Manifest;

namespace CxrVL.Data.Stats;

/// <summary>
/// Counts over a manifest, streamed: rows per split, images per view and present/missing, label values, reports
/// with and without each section, boxes and masks, training fractions.
/// </summary>
public sealed class ManifestStats
{
    private readonly SortedDictionary<string, long> _splits = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _views = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long[]> _labels = new(StringComparer.Ordinal);
    private readonly SortedDictionary<int, long> _fractions = new();

    public long Rows { get; private set; }
    public long Subjects => _subjects.Count;
    public long ImagesPresent { get; private set; }
    public long ImagesMissing { get; private set; }
    public long RowsWithoutImages { get; private set; }
    public long Boxes { get; private set; }
    public long Masks { get; private set; }
    public long Reports { get; private set; }
    public long WithFindings { get; private set; }
    public long WithImpression { get; private set; }
    public long WithIndication { get; private set; }
    public long WithComparison { get; private set; }
    public long WithFullText { get; private set; }

    public IReadOnlyDictionary<string, long> Splits => _splits;
    public IReadOnlyDictionary<string, long> Views => _views;

    /// <summary>Per label: counts of 1, 0, -1.</summary>
    public IReadOnlyDictionary<string, long[]> Labels => _labels;

    public IReadOnlyDictionary<int, long> Fractions => _fractions;

    private readonly HashSet<string> _subjects = new(StringComparer.Ordinal);

    public static ManifestStats Compute(string manifestPath) => Compute(ManifestReader.Read(manifestPath));

    public static ManifestStats Compute(IEnumerable<ManifestRow> rows)
    {
        var stats = new ManifestStats();
        foreach (var row in rows)
            stats.Add(row);
        return stats;
    }

    public void Add(ManifestRow row)
    {
        Rows++;
        _subjects.Add(row.SubjectId);
        Increment(_splits, row.Split ?? "(none)");
        if (row.Images.Count == 0)
            RowsWithoutImages++;
        foreach (var image in row.Images)
        {
            if (image.Present) ImagesPresent++; else ImagesMissing++;
            Increment(_views, image.View ?? "(unknown)");
            Boxes += image.Boxes?.Count ?? 0;
            Masks += image.Masks?.Count ?? 0;
        }
        if (row.Report is { } report)
        {
            Reports++;
            if (!string.IsNullOrWhiteSpace(report.Findings)) WithFindings++;
            if (!string.IsNullOrWhiteSpace(report.Impression)) WithImpression++;
            if (!string.IsNullOrWhiteSpace(report.Indication)) WithIndication++;
            if (!string.IsNullOrWhiteSpace(report.Comparison)) WithComparison++;
            if (!string.IsNullOrWhiteSpace(report.FullText)) WithFullText++;
        }
        foreach (var (name, value) in row.Labels)
        {
            if (!_labels.TryGetValue(name, out var counts))
                _labels[name] = counts = new long[3];
            counts[value switch { 1 => 0, 0 => 1, _ => 2 }]++;
        }
        foreach (var fraction in row.Fractions ?? [])
            _fractions[fraction] = _fractions.GetValueOrDefault(fraction) + 1;
    }

    private static void Increment(SortedDictionary<string, long> counts, string key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;

    /// <summary>A plain-text table of the counts.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        void Line(string name, object value) => text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{name,-28} {value}"));
        Line("rows (studies)", Rows);
        Line("subjects", Subjects);
        foreach (var (split, count) in _splits)
            Line($"  split {split}", count);
        foreach (var (fraction, count) in _fractions)
            Line($"  train {fraction}%", count);
        Line("images present", ImagesPresent);
        Line("images missing", ImagesMissing);
        Line("rows without images", RowsWithoutImages);
        foreach (var (view, count) in _views)
            Line($"  view {view}", count);
        Line("boxes", Boxes);
        Line("masks", Masks);
        Line("reports", $"{Reports} (without: {Rows - Reports})");
        Line("  with findings", $"{WithFindings} (without: {Rows - WithFindings})");
        Line("  with impression", $"{WithImpression} (without: {Rows - WithImpression})");
        Line("  with indication", $"{WithIndication} (without: {Rows - WithIndication})");
        Line("  with comparison", $"{WithComparison} (without: {Rows - WithComparison})");
        Line("  with full text", $"{WithFullText} (without: {Rows - WithFullText})");
        if (_labels.Count > 0)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{"label",-28} {"1",8} {"0",8} {"-1",8}"));
            foreach (var (name, counts) in _labels)
                text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-26} {counts[0],8} {counts[1],8} {counts[2],8}"));
        }
        return text.ToString();
    }
}
