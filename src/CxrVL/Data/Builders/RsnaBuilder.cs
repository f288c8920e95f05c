using CxrVL.Data.Manifest;

namespace CxrVL.Data.Builders;

/// <summary>
/// RSNA Pneumonia Detection Challenge, stage 2: <c>stage_2_train_labels.csv</c> (patientId, x, y, width, height,
/// Target; one row per box, a Target 0 row has no box) joined with <c>stage_2_detailed_class_info.csv</c> when
/// present. Each patientId is one image (<c>stage_2_train_images/&lt;id&gt;.dcm</c>, or a PNG/JPG copy of the same
/// name) with its boxes grouped (in the 1024x1024 DICOM frame) and label Pneumonia = Target. Split from
/// <c>--split-lists</c> (MRM) or a patient-disjoint draw (MGCA uses 70/15/15: <c>--split 0.7,0.15,0.15</c>).
/// </summary>
public sealed class RsnaBuilder : IDatasetBuilder
{
    public string Name => "rsna";

    public string Description => "RSNA Pneumonia stage 2 (stage_2_train_labels.csv with boxes, detailed class info)";

    public bool HasSplit(BuildOptions options) => options.SplitLists is not null;

    public long WorkUnits(BuildOptions options) =>
        SourceFiles.Find(options.Root, "stage_2_train_labels.csv") is { } path ? new FileInfo(path).Length : 1;

    private sealed class Entry(string id)
    {
        public string Id { get; } = id;
        public int Target { get; set; }
        public List<ManifestBox> Boxes { get; } = [];
    }

    public IEnumerable<ManifestRow> Build(BuildContext context)
    {
        var root = context.Root;
        var lists = context.Options.SplitLists is { } folder ? SplitLists.Read(folder) : null;
        var classes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (SourceFiles.Find(root, "stage_2_detailed_class_info.csv") is { } classPath)
        {
            using var classCsv = SourceCsv.Open(classPath, context);
            int pid = classCsv.Column("patientId"), cls = classCsv.Column("class");
            foreach (var row in classCsv.Rows(minFields: Math.Max(pid, cls) + 1))
                classes[row[pid]] = row[cls];
        }

        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var order = new List<Entry>();
        var labels = SourceFiles.Require(root, "RSNA labels", "stage_2_train_labels.csv");
        using (var csv = SourceCsv.Open(labels, context, trackProgress: true))
        {
            int id = csv.Column("patientId"), x = csv.Column("x"), y = csv.Column("y"), w = csv.Column("width"), h = csv.Column("height"), target = csv.Column("Target");
            foreach (var row in csv.Rows(minFields: new[] { id, x, y, w, h, target }.Max() + 1))
            {
                if (row[id].Length == 0 || !row.TryInt(target, out var t) || t is not (0 or 1))
                {
                    context.BadRow(labels, row.Line, "patientId must be set and Target must be 0 or 1");
                    continue;
                }
                if (!entries.TryGetValue(row[id], out var entry))
                {
                    entries[row[id]] = entry = new Entry(row[id]);
                    order.Add(entry);
                }
                entry.Target = Math.Max(entry.Target, t);
                if (t == 1)
                {
                    if (!row.TryDouble(x, out var bx) || !row.TryDouble(y, out var by) || !row.TryDouble(w, out var bw) || !row.TryDouble(h, out var bh))
                    {
                        context.BadRow(labels, row.Line, "a Target 1 row needs numeric x, y, width, height");
                        continue;
                    }
                    entry.Boxes.Add(new ManifestBox("Lung Opacity", bx, by, bw, bh));
                }
            }
        }

        foreach (var entry in order)
        {
            var image = context.Image(ImagePath(root, entry.Id), entry.Id);
            if (entry.Boxes.Count > 0)
            {
                image = image with { Boxes = entry.Boxes };
                context.Counts.Add("boxes", entry.Boxes.Count);
            }
            var name = entry.Id + ".dcm";
            yield return new ManifestRow
            {
                Dataset = Name,
                SubjectId = entry.Id,
                StudyId = entry.Id,
                Split = lists?.SplitOf(name) ?? lists?.SplitOf(entry.Id),
                Images = [image],
                Labels = new Dictionary<string, int> { ["Pneumonia"] = entry.Target },
                Fractions = lists?.FractionsOf(name),
                Meta = classes.TryGetValue(entry.Id, out var cls) ? new Dictionary<string, string> { ["class"] = cls } : null,
            };
        }
    }

    private static string ImagePath(string root, string id)
    {
        foreach (var candidate in new[] { $"stage_2_train_images/{id}.dcm", $"stage_2_train_images/{id}.png", $"stage_2_train_images/{id}.jpg" })
            if (File.Exists(Path.Combine(root, candidate)))
                return candidate;
        return $"stage_2_train_images/{id}.dcm";
    }
}
