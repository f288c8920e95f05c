using System.Globalization;
using CxrVL.Data.Manifest;
using CxrVL.Text.Sections;

namespace CxrVL.Data.Builders;

/// <summary>
/// MIMIC-CXR-JPG 2.0.0 with the MIMIC-CXR report texts. Images from <c>mimic-cxr-2.0.0-metadata.csv</c> (view,
/// study date and time) at <c>files/pXX/p&lt;subject&gt;/s&lt;study&gt;/&lt;dicom_id&gt;.jpg</c>; split from
/// <c>-split.csv</c> ("validate" becomes valid); labels from <c>-chexpert.csv</c> or <c>-negbio.csv</c>
/// (<c>--labeler</c>); reports from <c>--reports DIR</c> (<c>files/pXX/p&lt;subject&gt;/s&lt;study&gt;.txt</c>),
/// split into sections by <see cref="ReportSectionParser"/>. The tables are streamed and joined by dictionary;
/// report files are read and sectioned on all cores, a batch of studies at a time (<see cref="ParallelBatches"/>).
/// </summary>
public sealed class MimicCxrBuilder : IDatasetBuilder
{
    private const string Prefix = "mimic-cxr-2.0.0-";

    public string Name => "mimic-cxr";

    public string Description => "MIMIC-CXR-JPG 2.0.0 (metadata, split, CheXpert/NegBio labels) with the MIMIC-CXR reports (--reports), or R2Gen's annotation.json";

    public bool HasSplit(BuildOptions options) =>
        SourceFiles.Find(options.Root, Prefix + "split.csv") is not null || AnnotationOnly(options.Root) is not null;

    // Half of the progress is reading the metadata table (bytes), the other half writing the studies.
    public long WorkUnits(BuildOptions options) =>
        SourceFiles.Find(options.Root, Prefix + "metadata.csv") is { } path ? 2 * new FileInfo(path).Length : 1;

    /// <summary>R2Gen's annotation.json when the root has it and no MIMIC-CXR-JPG metadata table.</summary>
    private static string? AnnotationOnly(string root) =>
        SourceFiles.Find(root, Prefix + "metadata.csv") is null ? SourceFiles.Find(root, R2GenAnnotation.FileName) : null;

    private sealed class Study(string subject)
    {
        public string Subject { get; } = subject;
        public List<(string Dicom, string? View)> Images { get; } = [];
        public DateTime? Time { get; set; }
    }

    public IEnumerable<ManifestRow> Build(BuildContext context)
    {
        var root = context.Root;
        if (AnnotationOnly(root) is { } annotation)
        {
            foreach (var row in R2GenAnnotation.Read(annotation, Name, context))
                yield return row;
            yield break;
        }
        var metadataPath = SourceFiles.Require(root, "MIMIC-CXR-JPG metadata", Prefix + "metadata.csv");
        var studies = ReadMetadata(metadataPath, context);
        var splits = ReadSplits(root, context);
        var labels = ReadLabels(root, context);
        var reports = ReportsFolder(context);

        // Each study's row (its report file read and sectioned, its image files looked up) is made on all cores, a
        // batch at a time while the previous batch is written; rows still leave in the order below.
        var ordered = studies.GroupBy(s => s.Value.Subject).OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(subject => subject.OrderBy(s => s.Value.Time ?? DateTime.MaxValue).ThenBy(s => s.Key, StringComparer.Ordinal)
                .Select((study, order) => (Id: study.Key, Study: study.Value, Order: order)))
            .ToArray();
        var hasReports = Directory.Exists(Path.Combine(reports, "files"));
        ManifestRow Row(int index)
        {
            var (studyId, study, order) = ordered[index];
            var folder = $"files/p{study.Subject[..Math.Min(2, study.Subject.Length)]}/p{study.Subject}";
            var text = hasReports ? ReadReport(reports, folder, studyId) : null;
            if (text is null)
                context.Counts.Add("reports_missing");
            return new ManifestRow
            {
                Dataset = Name,
                SubjectId = study.Subject,
                StudyId = studyId,
                Split = splits.GetValueOrDefault(studyId),
                StudyTime = study.Time?.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
                Order = order,
                Images = study.Images.Select(i => context.Image($"{folder}/s{studyId}/{i.Dicom}.jpg", i.Dicom, i.View)).ToList(),
                Report = text is null ? null : ToReport(text),
                Labels = labels.GetValueOrDefault(studyId) ?? new Dictionary<string, int>(),
            };
        }

        var half = new FileInfo(metadataPath).Length;
        long advanced = 0;
        var done = 0;
        foreach (var batch in ParallelBatches.Map(ordered.Length, Row))
        {
            foreach (var row in batch)
            {
                yield return row;
                var target = half + half * ++done / ordered.Length;
                context.Advance(target - half - advanced);
                advanced = target - half;
            }
        }
    }

    private static ManifestReport ToReport(string text)
    {
        var sections = ReportSectionParser.Parse(text);
        return new ManifestReport(sections.Findings, sections.Impression, sections.Indication, sections.Comparison, text.Trim());
    }

    /// <summary>The folder holding <c>files/pXX/...</c> report texts: --reports (or its parent when it is the files folder), else the root.</summary>
    private static string ReportsFolder(BuildContext context)
    {
        var folder = Path.GetFullPath(context.Options.Reports ?? context.Root);
        if (!Directory.Exists(folder))
            throw new CxrVLException($"reports folder '{folder}' does not exist; pass --reports DIR, the folder that holds files/pXX/p<subject>/s<study>.txt.");
        return Path.GetFileName(folder) == "files" && !Directory.Exists(Path.Combine(folder, "files")) ? Path.GetDirectoryName(folder)! : folder;
    }

    /// <summary>The study's report text; null when the file is not there (opened directly: one look-up, not two).</summary>
    private static string? ReadReport(string reportsRoot, string folder, string studyId)
    {
        try
        {
            return File.ReadAllText(Path.Combine(reportsRoot, folder, $"s{studyId}.txt"));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static Dictionary<string, Study> ReadMetadata(string path, BuildContext context)
    {
        var studies = new Dictionary<string, Study>(StringComparer.Ordinal);
        using var csv = SourceCsv.Open(path, context, trackProgress: true);
        int dicom = csv.Column("dicom_id"), subject = csv.Column("subject_id"), study = csv.Column("study_id"), view = csv.Column("ViewPosition");
        int? date = csv.TryColumn("StudyDate"), time = csv.TryColumn("StudyTime");
        foreach (var row in csv.Rows(minFields: new[] { dicom, subject, study, view }.Max() + 1))
        {
            if (row[dicom].Length == 0 || !IsNumber(row[subject]) || !IsNumber(row[study]))
            {
                context.BadRow(path, row.Line, "dicom_id must be set and subject_id, study_id must be numbers");
                continue;
            }
            if (!studies.TryGetValue(row[study], out var entry))
                studies[row[study]] = entry = new Study(row[subject]);
            entry.Images.Add((row[dicom], row.Optional(view)));
            if (ParseTime(row.Optional(date), row.Optional(time)) is { } taken && (entry.Time is null || taken < entry.Time))
                entry.Time = taken;
        }
        return studies;
    }

    private static Dictionary<string, string> ReadSplits(string root, BuildContext context)
    {
        var splits = new Dictionary<string, string>(StringComparer.Ordinal);
        if (SourceFiles.Find(root, Prefix + "split.csv") is not { } path)
            return splits;
        using var csv = SourceCsv.Open(path, context);
        int study = csv.Column("study_id"), split = csv.Column("split");
        foreach (var row in csv.Rows(minFields: Math.Max(study, split) + 1))
        {
            if (ManifestSplits.Normalize(row[split]) is { } name)
                splits[row[study]] = name;
            else
                context.BadRow(path, row.Line, $"split '{row[split]}' is not train, validate or test");
        }
        return splits;
    }

    private static Dictionary<string, IReadOnlyDictionary<string, int>> ReadLabels(string root, BuildContext context)
    {
        var labels = new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.Ordinal);
        var labeler = context.Options.Labeler.ToLowerInvariant();
        if (labeler is not ("chexpert" or "negbio"))
            throw new CxrVLException($"--labeler must be chexpert or negbio; got '{context.Options.Labeler}'.");
        if (SourceFiles.Find(root, $"{Prefix}{labeler}.csv") is not { } path)
            return labels;
        using var csv = SourceCsv.Open(path, context);
        int study = csv.Column("study_id"), subject = csv.Column("subject_id");
        var columns = Enumerable.Range(0, csv.Header.Count).Where(i => i != study && i != subject && csv.Header[i].Length > 0).ToList();
        foreach (var row in csv.Rows(minFields: Math.Max(study, subject) + 1))
        {
            if (csv.Labels(row, columns) is { } values)
                labels[row[study]] = values.ToDictionary(v => v.Key, v => context.Uncertain(v.Value));
        }
        return labels;
    }

    private static bool IsNumber(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);

    /// <summary>StudyDate <c>21800506</c> and StudyTime <c>224100.312</c> (hhmmss with optional fraction).</summary>
    private static DateTime? ParseTime(string? date, string? time)
    {
        if (date is null || !DateTime.TryParseExact(date, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return null;
        if (time is null || !double.TryParse(time, NumberStyles.Float, CultureInfo.InvariantCulture, out var hhmmss))
            return day;
        var whole = (int)hhmmss;
        return day.AddHours(whole / 10000).AddMinutes(whole / 100 % 100).AddSeconds(whole % 100);
    }
}
