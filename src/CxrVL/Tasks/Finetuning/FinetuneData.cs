using System.Globalization;
using System.Text;
using CxrVL.Configuration;
using CxrVL.Data.Builders;
using CxrVL.Data.Manifest;
using CxrVL.Data.Splits;
using CxrVL.Runs;

namespace CxrVL.Tasks.Finetuning;

/// <summary>
/// Turns manifest rows into the train / validation / test rows of a fine-tuning task: targets and label policies are
/// written into each row's label map (so the study loader gives labels with a mentioned-mask), unannotated images are
/// left out of segmentation and detection, and the training split is cut to the data fraction.
/// </summary>
/// <remarks>
/// Fractions: the manifest's own fraction lists (MRM's train_1 / train_10) when they cover the requested percent,
/// else the training rows ranked by a hash seeded with <see cref="FinetuneDataConfig.FractionSeed"/> and cut to a prefix
/// (<see cref="FractionSampler"/>). Either way 1% lies inside 10%, the same seed gives the same subset, and the subset is
/// patient-disjoint from validation and test because the split is.
/// </remarks>
public static class FinetuneData
{
    public static FinetuneSplits Prepare(IReadOnlyList<ManifestRow> rows, FinetuneConfig config)
    {
        var data = config.Data;
        var skipped = new Dictionary<string, int>(StringComparer.Ordinal);
        void Skip(string reason) => skipped[reason] = skipped.GetValueOrDefault(reason) + 1;

        var singleField = !string.Equals(data.Target, "labels", StringComparison.OrdinalIgnoreCase);
        var multiClass = config.Task == FinetuneTask.Classify && data.Head switch
        {
            ClassificationHeadKind.MultiClass => true,
            ClassificationHeadKind.MultiLabel => false,
            _ => singleField,
        };
        var classes = data.Labels.ToList();
        if (config.Task == FinetuneTask.Classify)
        {
            if (classes.Count == 0)
                throw new CxrVLException("classification needs labels: pass --labels L1,L2,... (data.labels).");
            if (data.OtherClass is { } other && singleField)
                classes.Add(other);
            if (multiClass && classes.Count < 2)
                throw new CxrVLException($"a multi-class head needs at least two classes (got {string.Join(", ", classes)}); add data.other_class or more labels.");
            EnsureEveryClassOccurs(rows, data, singleField);
        }

        var kept = new List<ManifestRow>();
        foreach (var row in rows)
        {
            var image = row.Images.FirstOrDefault(i => i.Present);
            if (image is null)
            {
                Skip("no image file");
                continue;
            }
            var prepared = config.Task switch
            {
                FinetuneTask.Classify => Classify(row, image, data, classes, singleField, multiClass, Skip),
                FinetuneTask.Segment => Annotated(row, data.RequireAnnotations && !(image.Masks ?? []).Any(m => data.MaskLabels.Contains(m.Label)), "no mask of the chosen labels", Skip),
                _ => Annotated(row, data.RequireAnnotations && !(image.Boxes ?? []).Any(b => b.Label is not null && data.BoxLabels.Contains(b.Label)), "no box of the chosen labels", Skip),
            };
            if (prepared is not null)
                kept.Add(prepared);
        }

        var train = kept.Where(r => r.Split == data.TrainSplit).ToList();
        var valid = kept.Where(r => r.Split == data.ValSplit).ToList();
        var test = kept.Where(r => r.Split == data.TestSplit).ToList();
        foreach (var (name, split, key) in new[] { ("training", train, data.TrainSplit), ("validation", valid, data.ValSplit), ("test", test, data.TestSplit) })
        {
            if (split.Count == 0)
                throw new CxrVLException($"no usable {name} rows in split '{key}' after the task's filters ({Describe(skipped)}); check data.labels, data.target and the manifest's splits.");
        }
        var (fractioned, source) = Fraction(train, data);
        return new FinetuneSplits(fractioned, valid, test, classes, multiClass, source, skipped);
    }

    /// <summary>Writes split.csv: every row used, with its role, so a run's exact data can be reproduced and checked.</summary>
    public static void WriteSplitFile(string path, FinetuneSplits splits)
    {
        var text = new StringBuilder("study_id,subject_id,role\n");
        foreach (var (role, rows) in new[] { ("train", splits.Train), ("valid", splits.Valid), ("test", splits.Test) })
        {
            foreach (var row in rows.DistinctBy(r => r.StudyId))
                text.Append(CultureInfo.InvariantCulture, $"{Csv(row.StudyId)},{Csv(row.SubjectId)},{role}\n");
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>
    /// Repeats training rows so that every class (multi-class) or combination of positive labels occurs as often as the
    /// most frequent one; the order stays deterministic.
    /// </summary>
    public static IReadOnlyList<ManifestRow> Balance(IReadOnlyList<ManifestRow> rows)
    {
        var groups = rows.GroupBy(r => string.Join('|', r.Labels.Where(l => l.Value == 1).Select(l => l.Key).Order(StringComparer.Ordinal)))
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        var largest = groups.Max(g => g.Count);
        return groups.SelectMany(g => Enumerable.Range(0, largest).Select(i => g[i % g.Count])).ToList();
    }

    private static ManifestRow? Classify(ManifestRow row, ManifestImage image, FinetuneDataConfig data, List<string> classes,
                                         bool singleField, bool multiClass, Action<string> skip)
    {
        if (singleField)
        {
            var value = FieldValue(row, image, data.Target);
            var name = value is not null && classes.Contains(value) ? value : data.OtherClass;
            if (name is null)
            {
                skip(value is null ? $"no {data.Target}" : $"{data.Target} not among the labels");
                return null;
            }
            return row with { Labels = classes.ToDictionary(c => c, c => c == name ? 1 : 0) };
        }
        if (data.SkipUnlabelled && row.Labels.Count == 0)
        {
            skip("no labels");
            return null;
        }
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in classes)
        {
            if (row.Labels.TryGetValue(name, out var value))
            {
                labels[name] = value != -1 ? value : data.Uncertain switch
                {
                    UncertainPolicy.Ones => 1,
                    UncertainPolicy.Zeros => 0,
                    _ => -1,
                };
            }
            else if (data.UnmentionedIsNegative)
            {
                labels[name] = 0;
            }
        }
        if (multiClass && labels.Count(l => l.Value == 1) != 1)
        {
            skip("not exactly one positive class");
            return null;
        }
        return row with { Labels = labels };
    }

    /// <summary>
    /// A class that no row carries would train on all-negative targets and score NaN: name it, and what the rows have.
    /// Spelling must match (the manifest keeps the source's label names), so the closest name is suggested.
    /// </summary>
    private static void EnsureEveryClassOccurs(IReadOnlyList<ManifestRow> rows, FinetuneDataConfig data, bool singleField)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!singleField)
                present.UnionWith(row.Labels.Keys);
            else if (row.Images.FirstOrDefault(i => i.Present) is { } image && FieldValue(row, image, data.Target) is { } value)
                present.Add(value);
        }
        var absent = data.Labels.Where(name => !present.Contains(name)).ToList();
        if (absent.Count == 0)
            return;
        var source = singleField ? $"{data.Target} value" : "label";
        var hint = NameSuggester.Closest(absent[0], present) is { } closest ? $" Did you mean '{closest}'?" : "";
        throw new CxrVLException(
            $"{source} '{absent[0]}' (--labels, data.labels) is on no row of the manifest{(absent.Count > 1 ? $", nor are {string.Join(", ", absent.Skip(1).Select(a => $"'{a}'"))}" : "")}: " +
            $"a model would learn all-negative targets for it.{hint} The rows have: {string.Join(", ", present.Order(StringComparer.Ordinal).Take(30))}" +
            (present.Count > 30 ? $" and {present.Count - 30} more." : "."));
    }

    private static ManifestRow? Annotated(ManifestRow row, bool missing, string reason, Action<string> skip)
    {
        if (!missing)
            return row;
        skip(reason);
        return null;
    }

    private static string? FieldValue(ManifestRow row, ManifestImage image, string target)
    {
        if (string.Equals(target, "view", StringComparison.OrdinalIgnoreCase))
            return image.View;
        if (target.StartsWith("meta.", StringComparison.OrdinalIgnoreCase))
            return row.Meta?.GetValueOrDefault(target["meta.".Length..]);
        throw new CxrVLException($"data.target '{target}' is not one of labels, view, meta.<key>.");
    }

    private static (IReadOnlyList<ManifestRow> Rows, string Source) Fraction(List<ManifestRow> train, FinetuneDataConfig data)
    {
        if (data.Fraction is <= 0 or > 1)
            throw new CxrVLException($"data.fraction must be in (0, 1] (got {data.Fraction}): 0.01, 0.1 or 1.");
        var percent = data.Fraction * 100;
        if (Math.Abs(percent - Math.Round(percent)) > 1e-9)
            throw new CxrVLException($"data.fraction {data.Fraction} is not a whole percent.");
        var whole = (int)Math.Round(percent);
        if (whole >= 100)
            return (train, "all training rows");
        if (train.Any(r => r.Fractions?.Contains(whole) ?? false))
            return (train.Where(r => r.InFraction(whole)).ToList(), $"the manifest's {whole}% subset");
        var chosen = FractionSampler.Assign(train.Select(r => r.StudyId), [whole], data.FractionSeed);
        return (train.Where(r => chosen.ContainsKey(r.StudyId)).ToList(), $"{whole}% of the training rows, ranked with fraction seed {data.FractionSeed}");
    }

    private static string Describe(IReadOnlyDictionary<string, int> skipped) =>
        skipped.Count == 0 ? "none skipped" : "skipped: " + string.Join(", ", skipped.Select(s => $"{s.Key} {s.Value}"));

    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
