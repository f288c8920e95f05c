using System.Globalization;
using CxrVL.Data.Manifest;

namespace CxrVL.Data.Builders;

/// <summary>
/// MS-CXR-T, the temporal benchmark over MIMIC-CXR, from its two CSVs (in <c>--annotations DIR</c> or the root):
/// <c>MS_CXR_T_temporal_image_classification_v1.0.0.csv</c> (current and previous dicom of a patient, and per
/// finding a progression: improving / stable / worsening) and
/// <c>MS_CXR_T_temporal_sentence_similarity_v1.0.0.csv</c> (sentence pairs: paraphrase / contradiction). The root
/// is the MIMIC-CXR-JPG folder the image paths are relative to; the previous image's study comes from a
/// <c>previous_study_id</c> column or from <c>mimic-cxr-2.0.0-metadata.csv</c> in the root. Progressions and
/// sentence pairs are kept in <c>meta</c> (they are three-way and pairwise, not 1/0/-1 labels); every row is test.
/// </summary>
public sealed class MsCxrTBuilder : IDatasetBuilder
{
    private const string ImageTable = "MS_CXR_T_temporal_image_classification_v1.0.0.csv";
    private const string SentenceTable = "MS_CXR_T_temporal_sentence_similarity_v1.0.0.csv";

    public string Name => "ms-cxr-t";

    public string Description => "MS-CXR-T temporal image classification and sentence similarity CSVs (images from MIMIC-CXR-JPG)";

    public bool HasSplit(BuildOptions options) => true;

    public long WorkUnits(BuildOptions options) =>
        new[] { ImageTable, SentenceTable }.Select(f => SourceFiles.Find(Folder(options), f)).OfType<string>().Sum(f => new FileInfo(f).Length);

    private static string Folder(BuildOptions options) => options.Annotations ?? options.Root;

    public IEnumerable<ManifestRow> Build(BuildContext context)
    {
        var folder = Folder(context.Options);
        var imagePath = SourceFiles.Find(folder, ImageTable);
        var sentencePath = SourceFiles.Find(folder, SentenceTable);
        if (imagePath is null && sentencePath is null)
            throw new CxrVLException($"no MS-CXR-T tables in '{folder}': expected {ImageTable} and/or {SentenceTable} (pass --annotations DIR when they are not in the root).");
        if (imagePath is not null)
            foreach (var row in ImageRows(imagePath, context))
                yield return row;
        if (sentencePath is not null)
            foreach (var row in SentenceRows(sentencePath, context))
                yield return row;
    }

    private IEnumerable<ManifestRow> ImageRows(string path, BuildContext context)
    {
        using var csv = SourceCsv.Open(path, context, trackProgress: true);
        int dicom = csv.Column("dicom_id"), previous = csv.Column("previous_dicom_id"), study = csv.Column("study_id"), subject = csv.Column("subject_id");
        var previousStudy = csv.TryColumn("previous_study_id");
        var studyOf = previousStudy is null ? DicomStudies(context) : null;
        var progressions = Enumerable.Range(0, csv.Header.Count).Where(i => csv.Header[i].EndsWith("_progression", StringComparison.Ordinal)).ToList();
        var qualities = Enumerable.Range(0, csv.Header.Count).Where(i => csv.Header[i].EndsWith("_label_quality", StringComparison.Ordinal)).ToList();
        // MedST shuffles the whole table before each finding keeps its rows: each row records where it stands in it.
        var tableRows = TableRowCount(path).ToString(CultureInfo.InvariantCulture);
        var tableRow = -1;
        foreach (var row in csv.Rows(minFields: new[] { dicom, previous, study, subject }.Max() + 1))
        {
            tableRow++;
            var previousStudyId = row.Optional(previousStudy) ?? studyOf?.GetValueOrDefault(row[previous]);
            if (previousStudyId is null)
            {
                context.BadRow(path, row.Line, $"the study of previous dicom '{row[previous]}' is not in mimic-cxr-2.0.0-metadata.csv");
                continue;
            }
            var folder = $"files/p{row[subject][..Math.Min(2, row[subject].Length)]}/p{row[subject]}";
            var meta = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["task"] = "temporal_image_classification", ["previous_study_id"] = previousStudyId,
                ["table_row"] = tableRow.ToString(CultureInfo.InvariantCulture), ["table_rows"] = tableRows,
            };
            foreach (var column in progressions.Concat(qualities))
                if (row.Optional(column) is { } value)
                    meta[csv.Header[column]] = value;
            yield return new ManifestRow
            {
                Dataset = Name,
                SubjectId = row[subject],
                StudyId = $"{row[study]}/{row[dicom]}",
                Split = ManifestSplits.Test,
                Images =
                [
                    context.Image($"{folder}/s{row[study]}/{row[dicom]}.jpg", row[dicom], "CURRENT"),
                    context.Image($"{folder}/s{previousStudyId}/{row[previous]}.jpg", row[previous], "PREVIOUS"),
                ],
                Meta = meta,
            };
        }
    }

    private IEnumerable<ManifestRow> SentenceRows(string path, BuildContext context)
    {
        using var csv = SourceCsv.Open(path, context, trackProgress: true);
        int first = csv.Column("sentence_1"), second = csv.Column("sentence_2"), category = csv.Column("category");
        var subset = csv.TryColumn("subset_name");
        var index = 0;
        foreach (var row in csv.Rows(minFields: new[] { first, second, category }.Max() + 1))
        {
            var id = $"sentence-pair-{++index}";
            var meta = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["task"] = "temporal_sentence_similarity", ["sentence_1"] = row[first], ["sentence_2"] = row[second], ["category"] = row[category],
            };
            if (row.Optional(subset) is { } name)
                meta["subset_name"] = name;
            yield return new ManifestRow { Dataset = Name, SubjectId = id, StudyId = id, Split = ManifestSplits.Test, Meta = meta };
        }
    }

    /// <summary>Data rows of the image table (one line each: its fields are ids and single words, never quoted text).</summary>
    private static int TableRowCount(string path) => File.ReadLines(path).Skip(1).Count(line => line.Length > 0);

    private static Dictionary<string, string> DicomStudies(BuildContext context)
    {
        var metadata = SourceFiles.Find(context.Root, "mimic-cxr-2.0.0-metadata.csv") ?? throw new CxrVLException(
            $"MS-CXR-T's image table has no previous_study_id column, so the previous image's folder comes from mimic-cxr-2.0.0-metadata.csv, which is not in '{context.Root}'. Pass --root the MIMIC-CXR-JPG folder.");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        using var csv = SourceCsv.Open(metadata, context);
        int dicom = csv.Column("dicom_id"), study = csv.Column("study_id");
        foreach (var row in csv.Rows(minFields: Math.Max(dicom, study) + 1))
            result[row[dicom]] = row[study];
        return result;
    }
}
