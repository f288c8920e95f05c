using CxrVL.Data.Manifest;

namespace CxrVL.Data.Builders;

/// <summary>
/// COVIDx CXR: <c>train.txt</c>, <c>val.txt</c> (COVIDx-3 and later) and <c>test.txt</c>, space-separated lines
/// <c>patient_id filename class source</c>, images under <c>train/</c>, <c>val/</c>, <c>test/</c>. Each line is one
/// image and row; the label set is every class the lists name (1 for the row's class, 0 for the others).
/// </summary>
public sealed class CovidxBuilder : IDatasetBuilder
{
    private static readonly (string File, string Split, string Folder)[] Lists =
    [
        ("train.txt", ManifestSplits.Train, "train"), ("val.txt", ManifestSplits.Valid, "val"), ("test.txt", ManifestSplits.Test, "test"),
    ];

    public string Name => "covidx";

    public string Description => "COVIDx CXR (train.txt / val.txt / test.txt with train/ val/ test/ image folders)";

    public bool HasSplit(BuildOptions options) => true;

    public long WorkUnits(BuildOptions options) =>
        Lists.Select(l => SourceFiles.Find(options.Root, l.File)).OfType<string>().Sum(f => new FileInfo(f).Length);

    public IEnumerable<ManifestRow> Build(BuildContext context)
    {
        var entries = new List<(string Patient, string File, string Class, string? Source, string Split, string Folder)>();
        foreach (var (file, split, folder) in Lists)
        {
            if (SourceFiles.Find(context.Root, file) is not { } path)
                continue;
            using var reader = SourceFiles.OpenText(path);
            var line = 0;
            while (reader.ReadLine() is { } text)
            {
                line++;
                context.Advance(text.Length + 1);
                var fields = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length == 0)
                    continue;
                if (fields.Length < 3)
                {
                    context.BadRow(path, line, $"{fields.Length} fields; expected 'patient_id filename class [source]'");
                    continue;
                }
                entries.Add((fields[0], fields[1], fields[2], fields.Length > 3 ? fields[3] : null, split, folder));
            }
        }
        if (entries.Count == 0)
            throw new CxrVLException($"no COVIDx lists under '{context.Root}': expected train.txt and test.txt (and val.txt for COVIDx-3).");
        var classes = entries.Select(e => e.Class).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var entry in entries)
            yield return new ManifestRow
            {
                Dataset = Name,
                SubjectId = entry.Patient,
                StudyId = $"{entry.Folder}/{entry.File}",
                Split = entry.Split,
                Images = [context.Image($"{entry.Folder}/{entry.File}", entry.File)],
                Labels = classes.ToDictionary(c => c, c => c == entry.Class ? 1 : 0),
                Meta = entry.Source is null ? null : new Dictionary<string, string> { ["source"] = entry.Source },
            };
    }
}
