using CxrVL.Data.Manifest;
using static TorchSharp.torch;

namespace CxrVL.Serving;

/// <summary>
/// Reports to retrieve by image similarity: the reports of a manifest's split, embedded once at start-up with the
/// service's text encoder (the sections the model was trained on).
/// </summary>
internal sealed class ReportIndex : IDisposable
{
    private readonly Tensor _embeddings;
    private readonly List<(string StudyId, string Text)> _reports;

    private ReportIndex(string source, Tensor embeddings, List<(string, string)> reports)
    {
        Source = source;
        _embeddings = embeddings;
        _reports = reports;
    }

    /// <summary>The manifest and split it was built from, for provenance.</summary>
    public string Source { get; }

    public int Count => _reports.Count;

    public static ReportIndex Build(string manifest, string split, IReadOnlyList<string> sections, Func<IReadOnlyList<string>, Tensor> embedTexts)
    {
        if (!File.Exists(manifest))
            throw new CxrVLException($"report index manifest '{manifest}' does not exist (--reports).");
        var reports = ManifestReader.Read(manifest)
            .Where(row => split == "all" || row.Split == split)
            .Select(row => (row.StudyId, Text: row.Report?.Join(sections) ?? ""))
            .Where(r => !string.IsNullOrWhiteSpace(r.Text))
            .ToList();
        if (reports.Count == 0)
            throw new CxrVLException($"'{manifest}' has no reports in split '{split}' with text in the sections {string.Join(", ", sections)} (--reports, --reports-split).");
        return new ReportIndex($"{Path.GetFileName(manifest)} ({split}, {reports.Count} reports)", embedTexts(reports.Select(r => r.Text).ToList()), reports);
    }

    /// <summary>The <paramref name="count"/> reports most similar to one l2-normalised image embedding [D], most similar first.</summary>
    public IReadOnlyList<NearestReport> Nearest(Tensor image, int count)
    {
        using var scope = NewDisposeScope();
        var similarity = _embeddings.matmul(image.to(_embeddings.dtype));
        var (values, indices) = similarity.topk(Math.Min(count, _reports.Count));
        var scores = values.data<float>().ToArray();
        var rows = indices.data<long>().ToArray();
        return rows.Select((row, i) => new NearestReport(_reports[(int)row].StudyId, _reports[(int)row].Text, scores[i])).ToList();
    }

    public void Dispose() => _embeddings.Dispose();
}
