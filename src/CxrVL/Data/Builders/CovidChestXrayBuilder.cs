using System.Globalization;
using System.Text.Json;
using CxrVL.Data.Manifest;

namespace CxrVL.Data.Builders;

/// <summary>
/// ieee8023 COVID-19 image data collection: <c>metadata.csv</c> (one image per row, patients followed over days
/// by <c>offset</c>), <c>annotations/lung_boxes_coco.json</c> (lung boxes) and <c>segmentation/structure.csv</c> +
/// <c>segmentation/masks/</c> (structure masks, each a crop placed at Left/Top). Boxes and masks are published at
/// the original resolution; they are mapped into the frame of the image file present (which may be downsized),
/// read from its header. Each image is one row; the clinical notes are the report text.
/// </summary>
public sealed class CovidChestXrayBuilder : IDatasetBuilder
{
    public string Name => "covid-chestxray";

    public string Description => "ieee8023 COVID-19 chest X-ray collection (metadata.csv, COCO lung boxes, segmentation masks)";

    public bool HasSplit(BuildOptions options) => false;

    public long WorkUnits(BuildOptions options) =>
        SourceFiles.Find(options.Root, "metadata.csv") is { } path ? new FileInfo(path).Length : 1;

    public IEnumerable<ManifestRow> Build(BuildContext context)
    {
        var root = context.Root;
        var boxes = ReadCocoBoxes(root, context);
        var masks = ReadMasks(root, context);
        using var csv = SourceCsv.Open(SourceFiles.Require(root, "ieee8023 metadata", "metadata.csv"), context, trackProgress: true);
        int patient = csv.Column("patientid"), offset = csv.Column("offset"), finding = csv.Column("finding"),
            view = csv.Column("view"), folder = csv.Column("folder"), filename = csv.Column("filename");
        int? date = csv.TryColumn("date"), doi = csv.TryColumn("doi"), url = csv.TryColumn("url"), license = csv.TryColumn("license"),
            notes = csv.TryColumn("clinical_notes");
        var metaColumns = new[] { "sex", "age", "finding", "offset", "survival", "intubated", "intubation_present", "went_icu", "needed_supplemental_O2", "modality", "location", "date", "other_notes" }
            .Select(name => (Name: name, Index: csv.TryColumn(name))).Where(c => c.Index is not null).ToList();

        var rows = new List<(ManifestRow Row, double Offset, int Index)>();
        foreach (var source in csv.Rows(minFields: filename + 1))
        {
            var file = source[filename];
            if (file.Length == 0 || source[patient].Length == 0)
            {
                context.BadRow(csv.Path, source.Line, "empty 'patientid' or 'filename'");
                continue;
            }
            var relative = source[folder].Length > 0 ? $"{source[folder]}/{file}" : file;
            var image = context.Image(relative, imageId: file, view: source[view] is "?" ? null : source[view]);
            if (image.Present && ImageFileSize.TryRead(Path.Combine(root, relative)) is var (width, height))
            {
                image = image with { Width = width, Height = height };
                image = image with
                {
                    Boxes = Map(boxes.GetValueOrDefault(file), width, height, context, "boxes"),
                    Masks = Map(masks.GetValueOrDefault(file), width, height, context),
                };
            }
            else if (boxes.ContainsKey(file) || masks.ContainsKey(file))
            {
                context.Counts.Add("annotations_without_image");
            }
            var text = source.Optional(notes);
            if (text is null)
                context.Counts.Add("reports_missing");
            rows.Add((new ManifestRow
            {
                Dataset = Name,
                SubjectId = source[patient],
                StudyId = file,
                StudyTime = ParseDate(source.Optional(date)),
                Images = [image],
                Report = text is null ? null : new ManifestReport(Indication: text, FullText: text),
                Labels = FindingLabels(source[finding]),
                Provenance = source.Optional(license) is null && source.Optional(url) is null && source.Optional(doi) is null
                    ? null
                    : new ManifestProvenance(source.Optional(license), source.Optional(url), source.Optional(doi)),
                Meta = metaColumns.Where(c => source.Optional(c.Index) is not null)
                    .ToDictionary(c => c.Name, c => source[c.Index!.Value]),
            }, double.TryParse(source[offset], NumberStyles.Float, CultureInfo.InvariantCulture, out var days) ? days : double.PositiveInfinity, rows.Count));
        }

        // Order within a patient: by offset (days since the first symptoms or admission), then as listed.
        var order = rows.GroupBy(r => r.Row.SubjectId)
            .SelectMany(g => g.OrderBy(r => r.Offset).ThenBy(r => r.Index).Select((r, i) => (r.Index, Order: i)))
            .ToDictionary(x => x.Index, x => x.Order);
        foreach (var (row, _, index) in rows)
            yield return row with { Order = order[index] };
    }

    /// <summary>"COVID-19, ARDS" and "Pneumonia/Viral/COVID-19" give one positive label per part; "todo" and "Unknown" none.</summary>
    private static IReadOnlyDictionary<string, int> FindingLabels(string finding)
    {
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var part in finding.Split([',', '/'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (!part.Equals("todo", StringComparison.OrdinalIgnoreCase) && !part.Equals("unknown", StringComparison.OrdinalIgnoreCase))
                labels[part] = 1;
        return labels;
    }

    private static string? ParseDate(string? text) =>
        text is not null && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var date)
            ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : null;

    private sealed record Placed(string Label, double X, double Y, double W, double H, int SourceWidth, int SourceHeight, string? Path);

    private static IReadOnlyList<ManifestBox>? Map(List<Placed>? boxes, int width, int height, BuildContext context, string counter)
    {
        if (boxes is null)
            return null;
        context.Counts.Add(counter, boxes.Count);
        return boxes.Select(b =>
        {
            double sx = (double)width / b.SourceWidth, sy = (double)height / b.SourceHeight;
            return new ManifestBox(b.Label, b.X * sx, b.Y * sy, b.W * sx, b.H * sy);
        }).ToList();
    }

    private static IReadOnlyList<ManifestMask>? Map(List<Placed>? masks, int width, int height, BuildContext context)
    {
        if (masks is null)
            return null;
        context.Counts.Add("masks", masks.Count);
        return masks.Select(m =>
        {
            double sx = (double)width / m.SourceWidth, sy = (double)height / m.SourceHeight;
            return new ManifestMask(m.Label, m.Path!, m.X * sx, m.Y * sy, m.W * sx, m.H * sy);
        }).ToList();
    }

    /// <summary>COCO boxes by image file name, with the original size they are measured in.</summary>
    private static Dictionary<string, List<Placed>> ReadCocoBoxes(string root, BuildContext context)
    {
        var result = new Dictionary<string, List<Placed>>(StringComparer.Ordinal);
        var path = SourceFiles.Find(root, Path.Combine("annotations", "lung_boxes_coco.json"), Path.Combine("annotations", "imageannotation_ai_lung_bounding_boxes.json"));
        if (path is null)
            return result;
        using var stream = File.OpenRead(path);
        try
        {
            using var coco = JsonDocument.Parse(stream);
            var categories = coco.RootElement.GetProperty("categories").EnumerateArray()
                .ToDictionary(c => c.GetProperty("id").GetInt32(), c => c.GetProperty("name").GetString() ?? "");
            var images = coco.RootElement.GetProperty("images").EnumerateArray().ToDictionary(
                i => i.GetProperty("id").GetInt32(),
                i => (File: i.GetProperty("file_name").GetString() ?? "", Width: i.GetProperty("width").GetInt32(), Height: i.GetProperty("height").GetInt32()));
            foreach (var annotation in coco.RootElement.GetProperty("annotations").EnumerateArray())
            {
                var image = images[annotation.GetProperty("image_id").GetInt32()];
                var box = annotation.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                // The published file has a box without a category; a box without a label is of no use, so it is counted, not kept.
                if (!annotation.TryGetProperty("category_id", out var category))
                {
                    context.Counts.Add("boxes_without_label");
                    continue;
                }
                var label = categories[category.GetInt32()];
                if (!result.TryGetValue(image.File, out var list))
                    result[image.File] = list = [];
                list.Add(new Placed(label, box[0], box[1], box[2], box[3], image.Width, image.Height, null));
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new CxrVLException($"{path}: not a COCO annotation file with images, categories and annotations ({e.Message}).", e);
        }
        return result;
    }

    /// <summary>Masks by image file name; each mask is a crop of size Width x Height placed at Left, Top of the original.</summary>
    private static Dictionary<string, List<Placed>> ReadMasks(string root, BuildContext context)
    {
        var result = new Dictionary<string, List<Placed>>(StringComparer.Ordinal);
        var path = SourceFiles.Find(root, Path.Combine("segmentation", "structure.csv"));
        if (path is null)
            return result;
        using var csv = SourceCsv.Open(path, context);
        int file = csv.Column("Filename"), mask = csv.Column("Mask"), label = csv.Column("Template Name"), resolution = csv.Column("Resolution"),
            top = csv.Column("Top"), left = csv.Column("Left"), width = csv.Column("Width"), height = csv.Column("Height");
        foreach (var row in csv.Rows(minFields: new[] { file, mask, label, resolution, top, left, width, height }.Max() + 1))
        {
            var size = row[resolution].Split('x');
            if (size.Length != 2 || !int.TryParse(size[0], out var originalWidth) || !int.TryParse(size[1], out var originalHeight) ||
                !row.TryDouble(top, out var y) || !row.TryDouble(left, out var x) || !row.TryDouble(width, out var w) || !row.TryDouble(height, out var h))
            {
                context.BadRow(path, row.Line, "Resolution must be WIDTHxHEIGHT and Top, Left, Width, Height numbers");
                continue;
            }
            var relative = $"segmentation/masks/{Path.GetFileName(row[mask])}";
            if (!File.Exists(Path.Combine(root, relative)))
            {
                context.Counts.Add("masks_missing");
                continue;
            }
            if (!result.TryGetValue(row[file], out var list))
                result[row[file]] = list = [];
            list.Add(new Placed(row[label], x, y, w, h, originalWidth, originalHeight, relative));
        }
        return result;
    }
}
