using CxrVL.Data.Manifest;

namespace CxrVL.Data.Builders;

/// <summary>
/// NIH ChestX-ray14: <c>Data_Entry_2017*.csv</c> (one image per row: finding labels joined by '|', follow-up
/// number, patient, view), images found anywhere under the root (<c>images/</c>, <c>images_001/images/</c>, ...),
/// <c>BBox_List_2017.csv</c> boxes (given in the 1024x1024 frame of the distributed PNGs, mapped onto the file
/// present when it was resized). The split comes from
/// <c>--split-lists</c> (MRM's lists with 1%/10% subsets), else the release's <c>train_val_list.txt</c> /
/// <c>test_list.txt</c> (train_val becomes train), else a patient-disjoint draw. Labels are the 14 findings,
/// 1 when listed and 0 otherwise, plus "No Finding".
/// </summary>
public sealed class NihBuilder : IDatasetBuilder
{
    /// <summary>The 14 findings in the order of the NIH paper and MRM's split lists.</summary>
    public static IReadOnlyList<string> Findings { get; } =
    [
        "Atelectasis", "Cardiomegaly", "Effusion", "Infiltration", "Mass", "Nodule", "Pneumonia", "Pneumothorax",
        "Consolidation", "Edema", "Emphysema", "Fibrosis", "Pleural_Thickening", "Hernia",
    ];

    /// <summary>The side of the PNGs NIH distributes; BBox_List_2017 is in this frame, mapped onto smaller copies.</summary>
    private const int DistributedSize = 1024;

    public string Name => "nih";

    public string Description => "NIH ChestX-ray14 (Data_Entry_2017*.csv, split lists, BBox_List_2017.csv)";

    public bool HasSplit(BuildOptions options) =>
        options.SplitLists is not null || SplitLists.ReadOfficial(options.Root, "train_val_list.txt", "test_list.txt") is not null;

    public long WorkUnits(BuildOptions options) => DataEntry(options.Root) is { } path ? new FileInfo(path).Length : 1;

    private static string? DataEntry(string root) =>
        SourceFiles.Find(root, "Data_Entry_2017_v2020.csv", "Data_Entry_2017.csv") ?? SourceFiles.FindPattern(root, "Data_Entry_2017*.csv*");

    public IEnumerable<ManifestRow> Build(BuildContext context)
    {
        var root = context.Root;
        var entry = DataEntry(root) ?? throw new CxrVLException($"no NIH label table under '{root}': expected Data_Entry_2017_v2020.csv or Data_Entry_2017.csv (optionally .gz).");
        var lists = context.Options.SplitLists is { } folder ? SplitLists.Read(folder) : SplitLists.ReadOfficial(root, "train_val_list.txt", "test_list.txt");
        var files = Directory.EnumerateFiles(root, "*.png", SearchOption.AllDirectories)
            .GroupBy(Path.GetFileName).ToDictionary(g => g.Key!, g => SourceFiles.Relative(root, g.Order(StringComparer.Ordinal).First()), StringComparer.Ordinal);
        var boxes = ReadBoxes(root, context);

        using var csv = SourceCsv.Open(entry, context, trackProgress: true);
        int image = csv.Column("Image Index"), labels = csv.Column("Finding Labels"), followUp = csv.Column("Follow-up #"),
            patient = csv.Column("Patient ID"), view = csv.Column("View Position");
        int? age = csv.TryColumn("Patient Age"), sex = csv.TryColumn("Patient Gender");
        foreach (var row in csv.Rows(minFields: new[] { image, labels, followUp, patient, view }.Max() + 1))
        {
            var name = row[image];
            if (name.Length == 0 || row[patient].Length == 0 || !row.TryInt(followUp, out var order))
            {
                context.BadRow(csv.Path, row.Line, "empty 'Image Index' or 'Patient ID', or a 'Follow-up #' that is not a number");
                continue;
            }
            var listed = row[labels].Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            var unknown = listed.Where(l => l != "No Finding" && !Findings.Contains(l)).ToList();
            if (unknown.Count > 0)
            {
                context.BadRow(csv.Path, row.Line, $"unknown finding label(s) {string.Join(", ", unknown)}; expected {string.Join(", ", Findings)} or No Finding");
                continue;
            }
            var rowLabels = Findings.ToDictionary(f => f, f => listed.Contains(f) ? 1 : 0);
            rowLabels["No Finding"] = listed.Contains("No Finding") ? 1 : 0;

            var manifestImage = context.Image(files.GetValueOrDefault(name) ?? $"images/{name}", name, row[view]);
            double scaleX = 1, scaleY = 1;
            if (manifestImage.Present && ImageFileSize.TryRead(Path.Combine(root, manifestImage.Path)) is var (width, height))
            {
                manifestImage = manifestImage with { Width = width, Height = height };
                (scaleX, scaleY) = ((double)width / DistributedSize, (double)height / DistributedSize);
            }
            if (boxes.TryGetValue(name, out var imageBoxes))
            {
                manifestImage = manifestImage with
                {
                    Boxes = imageBoxes.Select(b => b with { X = b.X * scaleX, Y = b.Y * scaleY, W = b.W * scaleX, H = b.H * scaleY }).ToList(),
                };
                context.Counts.Add("boxes", imageBoxes.Count);
            }

            var split = lists?.SplitOf(name);
            if (lists is not null && split is null)
                context.Counts.Add("not_in_split_lists");
            var meta = new Dictionary<string, string>(StringComparer.Ordinal);
            if (row.Optional(age) is { } a) meta["age"] = a;
            if (row.Optional(sex) is { } s) meta["sex"] = s;
            yield return new ManifestRow
            {
                Dataset = Name,
                SubjectId = row[patient],
                StudyId = Path.GetFileNameWithoutExtension(name),
                Split = split,
                Order = order,
                Images = [manifestImage],
                Labels = rowLabels,
                Fractions = lists?.FractionsOf(name),
                Meta = meta,
            };
        }
    }

    private static Dictionary<string, List<ManifestBox>> ReadBoxes(string root, BuildContext context)
    {
        var result = new Dictionary<string, List<ManifestBox>>(StringComparer.Ordinal);
        if (SourceFiles.Find(root, "BBox_List_2017.csv") is not { } path)
            return result;
        using var csv = SourceCsv.Open(path, context);
        // The header spells the box as "Bbox [x", "y", "w", "h]" across four columns after the label.
        int image = csv.Column("Image Index"), label = csv.Column("Finding Label"), x = csv.Column("Bbox [x", "Bbox [x,y,w,h]", "x");
        foreach (var row in csv.Rows(minFields: x + 4))
        {
            if (!row.TryDouble(x, out var bx) || !row.TryDouble(x + 1, out var by) || !row.TryDouble(x + 2, out var bw) || !row.TryDouble(x + 3, out var bh))
            {
                context.BadRow(path, row.Line, "the box x, y, w, h must be numbers");
                continue;
            }
            if (!result.TryGetValue(row[image], out var list))
                result[row[image]] = list = [];
            list.Add(new ManifestBox(row[label], bx, by, bw, bh));
        }
        return result;
    }
}
