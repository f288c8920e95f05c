using CxrVL.Data.Manifest;
using CxrVL.Data.Splits;

namespace CxrVL.Data.Builders;

/// <summary>
/// CheXpert (v1.0 or v1.0-small): <c>train.csv</c> and <c>valid.csv</c>, one image per row with a path such as
/// <c>CheXpert-v1.0-small/train/patient00001/study1/view1_frontal.jpg</c> and 14 labels (1.0 / 0.0 / -1.0 /
/// blank). Images of a study are one row. Uncertain labels follow <c>--uncertain</c> (U-Ignore keeps -1, U-Ones,
/// U-Zeros). <c>--split-lists</c> takes MRM's lists (image paths as in the CSV, laterals included, each followed by the
/// five competition labels): every image is then a row of its own (study id <c>patient/study/view</c>) with the list's
/// split, fractions and labels, as MRM trains and tests on images; otherwise train.csv is train and valid.csv is valid. <c>--5x200</c> writes instead the zero-shot sample: for each competition class, 200
/// training studies positive for that class and no other competition class, drawn with the seed (CxrVL's own draw, not
/// PRIOR's); <c>--5x200-list</c> writes the images a published list names (PRIOR's <see cref="FiveBy200List"/>).
/// </summary>
public sealed class ChexpertBuilder : IDatasetBuilder
{
    public static IReadOnlyList<string> CompetitionClasses { get; } = ["Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Pleural Effusion"];

    private const int PerClass = 200;

    public string Name => "chexpert";

    public string Description => "CheXpert train.csv / valid.csv (U-Ones/U-Zeros/U-Ignore; --5x200 zero-shot sample)";

    public bool HasSplit(BuildOptions options) => true;

    public long WorkUnits(BuildOptions options) =>
        new[] { "train.csv", "valid.csv" }.Select(f => SourceFiles.Find(options.Root, f)).OfType<string>().Sum(f => new FileInfo(f).Length);

    private sealed class Study(string id, string subject, string? split, int? order)
    {
        public string Id { get; } = id;
        public int? Order { get; } = order;
        public string Subject { get; } = subject;
        public string? Split { get; } = split;
        public IReadOnlyList<int>? Fractions { get; set; }
        public List<ManifestImage> Images { get; } = [];
        public Dictionary<string, int> RawLabels { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, string> Meta { get; } = new(StringComparer.Ordinal);
    }

    public IEnumerable<ManifestRow> Build(BuildContext context)
    {
        var root = context.Root;
        var lists = context.Options.SplitLists is { } folder ? SplitLists.Read(folder) : null;
        var studies = new Dictionary<string, Study>(StringComparer.Ordinal);
        var order = new List<Study>();
        var any = false;
        foreach (var (file, split) in new[] { ("train.csv", ManifestSplits.Train), ("valid.csv", ManifestSplits.Valid) })
        {
            if (SourceFiles.Find(root, file) is not { } path)
                continue;
            any = true;
            using var csv = SourceCsv.Open(path, context, trackProgress: true);
            int pathColumn = csv.Column("Path");
            int? sex = csv.TryColumn("Sex"), age = csv.TryColumn("Age"), frontal = csv.TryColumn("Frontal/Lateral"), apPa = csv.TryColumn("AP/PA");
            var labelColumns = Enumerable.Range(0, csv.Header.Count)
                .Where(i => i != pathColumn && i != sex && i != age && i != frontal && i != apPa && csv.Header[i].Length > 0).ToList();
            foreach (var row in csv.Rows(minFields: pathColumn + 1))
            {
                var published = row[pathColumn].Replace('\\', '/');
                var parts = published.Split('/');
                var studyIndex = Array.FindLastIndex(parts, p => p.StartsWith("study", StringComparison.Ordinal));
                if (studyIndex < 1 || !parts[studyIndex - 1].StartsWith("patient", StringComparison.Ordinal))
                {
                    context.BadRow(path, row.Line, $"Path '{published}' is not .../patientNNNNN/studyN/<view>.jpg");
                    continue;
                }
                if (csv.Labels(row, labelColumns) is not { } labels)
                    continue;
                // Split lists (MRM's) name images, laterals included: each listed image is then a row of its own.
                var studyId = $"{parts[studyIndex - 1]}/{parts[studyIndex]}";
                var rowId = lists is null ? studyId : $"{studyId}/{Path.GetFileNameWithoutExtension(parts[^1])}";
                if (!studies.TryGetValue(rowId, out var study))
                {
                    var number = int.TryParse(parts[studyIndex].AsSpan("study".Length), out var n) ? n - 1 : (int?)null;
                    studies[rowId] = study = new Study(rowId, parts[studyIndex - 1], lists is null ? split : lists.SplitOf(published), number);
                    study.Fractions = lists?.FractionsOf(published);
                    foreach (var (name, value) in ListLabels(lists, published) ?? labels)
                        study.RawLabels[name] = value;
                    if (row.Optional(sex) is { } s) study.Meta["sex"] = s;
                    if (row.Optional(age) is { } a) study.Meta["age"] = a;
                    order.Add(study);
                }
                var isLateral = row.Optional(frontal) is { } f && f.Equals("Lateral", StringComparison.OrdinalIgnoreCase);
                study.Images.Add(context.Image(RelativeImage(root, published), published, isLateral ? "LATERAL" : row.Optional(apPa)));
            }
        }
        if (!any)
            throw new CxrVLException($"no CheXpert tables under '{root}': expected train.csv and/or valid.csv.");
        if (lists is not null)
            context.Counts.Add("not_in_split_lists", order.Count(s => s.Split is null));

        if (context.Options.FiveBy200List is { } listPath)
        {
            if (context.Options.FiveBy200)
                throw new CxrVLException("--5x200 draws a sample and --5x200-list reads one: give one of them.");
            foreach (var row in ListedSample(order, FiveBy200List.Read(listPath), listPath))
                yield return row;
            yield break;
        }
        var selected = context.Options.FiveBy200 ? SampleFiveBy200(order, context.Options.Seed) : null;
        foreach (var study in order)
        {
            if (selected is not null)
            {
                if (selected.TryGetValue(study.Id, out var zeroShotClass))
                    yield return Row(study, context) with
                    {
                        Split = ManifestSplits.Test,
                        Fractions = null,
                        Labels = CompetitionClasses.ToDictionary(c => c, c => c == zeroShotClass ? 1 : 0),
                        Meta = new Dictionary<string, string>(study.Meta) { ["zero_shot_class"] = zeroShotClass },
                    };
                continue;
            }
            yield return Row(study, context);
        }
    }

    private ManifestRow Row(Study study, BuildContext context) => new()
    {
        Dataset = Name,
        SubjectId = study.Subject,
        StudyId = study.Id,
        Split = study.Split,
        Order = study.Order,
        Images = study.Images,
        Labels = study.RawLabels.ToDictionary(l => l.Key, l => context.Uncertain(l.Value)),
        Fractions = study.Fractions,
        Meta = study.Meta,
    };

    /// <summary>
    /// The labels an image's split list line gives (MRM's: one 0/1 value per competition class, in
    /// <see cref="CompetitionClasses"/> order), replacing the table's; null when the line has none.
    /// </summary>
    private static Dictionary<string, int>? ListLabels(SplitLists? lists, string published)
    {
        if (lists?.LabelsOf(published) is not { } values)
            return null;
        if (values.Count != CompetitionClasses.Count)
            throw new CxrVLException($"--split-lists: the line of '{published}' has {values.Count} labels; CheXpert lists give " +
                                     $"{CompetitionClasses.Count}, one per competition class ({string.Join(", ", CompetitionClasses)}).");
        return CompetitionClasses.Select((name, k) => (name, k)).ToDictionary(p => p.name, p => values[p.k]);
    }

    /// <summary>
    /// One test row per image of a published list (PRIOR's 5x200), in its order: that image only, one-hot labels of the
    /// list's class, the list's key kept as <c>meta.list_key</c>. An image the CheXpert tables do not hold is an error.
    /// </summary>
    private IEnumerable<ManifestRow> ListedSample(List<Study> studies, IReadOnlyList<FiveBy200Entry> entries, string listPath)
    {
        var images = new Dictionary<string, (Study Study, ManifestImage Image)>(StringComparer.Ordinal);
        foreach (var study in studies)
            foreach (var image in study.Images)
                images.TryAdd(image.Path, (study, image));
        foreach (var entry in entries)
        {
            if (!images.TryGetValue(entry.ImagePath, out var found))
                throw new CxrVLException($"--5x200-list '{listPath}', entry '{entry.Key}': image '{entry.ImagePath}' is not in the CheXpert tables " +
                                         "(train.csv / valid.csv) under --root; paths are relative to the CheXpert folder, as PRIOR's list gives them.");
            var view = Path.GetFileNameWithoutExtension(entry.ImagePath);
            yield return new ManifestRow
            {
                Dataset = Name,
                SubjectId = found.Study.Subject,
                StudyId = $"{found.Study.Id}/{view}",
                Split = ManifestSplits.Test,
                Images = [found.Image],
                Labels = CompetitionClasses.ToDictionary(c => c, c => c == entry.ClassName ? 1 : 0),
                Meta = new Dictionary<string, string>(found.Study.Meta) { ["zero_shot_class"] = entry.ClassName, ["list_key"] = entry.Key },
            };
        }
    }

    /// <summary>200 training studies per competition class, positive for it and for no other competition class, ranked by a seeded hash.</summary>
    private static Dictionary<string, string> SampleFiveBy200(List<Study> studies, int seed)
    {
        var selected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var cls in CompetitionClasses)
        {
            var candidates = studies
                .Where(s => s.Split == ManifestSplits.Train && s.RawLabels.GetValueOrDefault(cls) == 1 &&
                            CompetitionClasses.Count(c => s.RawLabels.GetValueOrDefault(c) == 1) == 1)
                .OrderBy(s => StableHash.Of(seed, "chexpert-5x200", s.Id)).ThenBy(s => s.Id, StringComparer.Ordinal)
                .Take(PerClass).ToList();
            if (candidates.Count < PerClass)
                throw new CxrVLException($"CheXpert 5x200: only {candidates.Count} training studies are positive for '{cls}' alone; 200 are needed.");
            foreach (var study in candidates)
                selected[study.Id] = cls;
        }
        return selected;
    }

    /// <summary>The CSV's path starts with the release folder (<c>CheXpert-v1.0-small/</c>); the manifest's is relative to that folder.</summary>
    private static string RelativeImage(string root, string published)
    {
        var slash = published.IndexOf('/');
        if (slash > 0 && published[..slash] == Path.GetFileName(root.TrimEnd('/')))
            return published[(slash + 1)..];
        return File.Exists(Path.Combine(root, published)) || slash < 0 ? published : published[(slash + 1)..];
    }
}
