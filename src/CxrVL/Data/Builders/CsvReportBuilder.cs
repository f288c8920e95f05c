using CxrVL.Data.Manifest;
using CxrVL.Text.Sections;

namespace CxrVL.Data.Builders;

/// <summary>
/// A plain image-report table in MRM's pretraining format: a CSV with <c>image_path,report_content</c>, one image
/// per row, the report as its full raw text. The CSV is the one file under the root named <c>training.csv</c>
/// (else the only <c>*.csv</c>); image paths are relative to the root. Each row is a study; sections come from
/// <see cref="ReportSectionParser"/>. There are no patient ids, so each image is its own subject for the split.
/// </summary>
public sealed class CsvReportBuilder : IDatasetBuilder
{
    public string Name => "csv";

    public string Description => "MRM-style image_path,report_content CSV";

    public bool HasSplit(BuildOptions options) => false;

    public long WorkUnits(BuildOptions options) => Table(options.Root) is { } path ? new FileInfo(path).Length : 1;

    private static string? Table(string root) =>
        SourceFiles.Find(root, "training.csv") ??
        (Directory.Exists(root) && Directory.GetFiles(root, "*.csv") is [var only] ? only : null);

    public IEnumerable<ManifestRow> Build(BuildContext context)
    {
        var path = Table(context.Root) ?? throw new CxrVLException(
            $"no image-report table under '{context.Root}': expected training.csv (or a single .csv) with columns image_path,report_content.");
        using var csv = SourceCsv.Open(path, context, trackProgress: true);
        int image = csv.Column("image_path"), report = csv.Column("report_content");
        foreach (var row in csv.Rows(minFields: Math.Max(image, report) + 1))
        {
            var relative = row[image].Replace('\\', '/');
            if (relative.Length == 0)
            {
                context.BadRow(path, row.Line, "empty image_path");
                continue;
            }
            var text = row.Optional(report);
            if (text is null)
                context.Counts.Add("reports_missing");
            var sections = text is null ? null : ReportSectionParser.Parse(text);
            yield return new ManifestRow
            {
                Dataset = Name,
                SubjectId = relative,
                StudyId = relative,
                Images = [context.Image(relative)],
                Report = sections is null ? null : new ManifestReport(sections.Findings, sections.Impression, sections.Indication, sections.Comparison, text),
            };
        }
    }
}
