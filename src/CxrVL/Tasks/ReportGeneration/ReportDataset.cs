using CxrVL.Data.Loading;
using CxrVL.Data.Manifest;
using CxrVL.Evaluation.Labeling;
using CxrVL.Generation;
using CxrVL.Methods.XProNet;
using CxrVL.Tasks.Pretraining;
using CxrVL.Text;
using static TorchSharp.torch;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>
/// A manifest read for report generation: the dataset root, the rows of one split that have an image and target text,
/// and their prototype-selection labels from the rule-based labeler on the target text.
/// </summary>
public sealed class ReportDataset
{

    private ReportDataset(string root, RrgDataConfig data, ReportTextPreparer preparer, IReadOnlyList<ManifestRow> rows)
    {
        Root = root;
        Data = data;
        Preparer = preparer;
        AllRows = rows;
    }

    public string Root { get; }

    public RrgDataConfig Data { get; }

    public ReportTextPreparer Preparer { get; }

    public IReadOnlyList<ManifestRow> AllRows { get; }

    /// <summary>Image slots per study: 1 for frontal, 2 for frontal + lateral pairs.</summary>
    public int Views => Data.Views switch
    {
        StudyViews.Frontal => 1,
        StudyViews.Pair => 2,
        _ => throw new CxrVLException($"data.views '{Data.Views}' is not supported for report generation: use frontal or pair."),
    };

    public static ReportDataset Open(string manifestPath, RrgDataConfig data)
    {
        var manifest = ManifestData.Open(manifestPath);
        return new ReportDataset(manifest.Root, data, new ReportTextPreparer(data), manifest.Rows.ToList());
    }

    /// <summary>The rows of a split with an image file and text in the chosen sections.</summary>
    public PairFilter Rows(string split) => PairFilter.Apply(AllRows.Where(r => r.Split == split), Data.ReportSections);

    /// <summary>The raw report text of a row (the chosen sections joined).</summary>
    public string RawText(ManifestRow row) => row.Report?.Join(Data.ReportSections) ?? "";

    public string TargetText(ManifestRow row) => Preparer.Prepare(RawText(row));

    /// <summary>Each row's labels: from <see cref="RrgDataConfig.LabelsFile"/> when set, else the labeler on the target text.</summary>
    public IReadOnlyList<float[]> Labels(IReadOnlyList<ManifestRow> rows, ChexpertLabeler labeler) =>
        Data.LabelsFile is { } file ? LabelsFromFile(rows, file) : LabelsFromText(rows, labeler);

    internal static IReadOnlyList<float[]> LabelsFromFile(IReadOnlyList<ManifestRow> rows, string file)
    {
        var labels = XProNetLabelFile.Read(file);
        var missing = rows.Where(r => !labels.ContainsKey(r.StudyId)).Select(r => r.StudyId).ToList();
        if (missing.Count > 0)
        {
            throw new CxrVLException($"data.labels_file '{file}' has no labels for {missing.Count} of {rows.Count} studies " +
                                     $"(first: {string.Join(", ", missing.Take(3))}); its ids look like '{labels.Keys.First()}'.");
        }
        return rows.Select(r => labels[r.StudyId]).ToList();
    }

    private IReadOnlyList<float[]> LabelsFromText(IReadOnlyList<ManifestRow> rows, ChexpertLabeler labeler) =>
        rows.AsParallel().AsOrdered().WithDegreeOfParallelism(Math.Max(1, Math.Min(4, Environment.ProcessorCount)))
            .Select(r => ReportLabels.FromLabeler(labeler.Label(Preparer.Select(RawText(r))))).ToList();

    public ReportSource Source(IReadOnlyList<ManifestRow> rows, IReadOnlyList<float[]> labels, WordVocabulary vocabulary, int batchSize,
                               bool train, int seed, Device device) =>
        new(rows, labels, Root, Data, Preparer, vocabulary, batchSize, train, seed, device);
}
