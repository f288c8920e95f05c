using CxrVL.Data.Manifest;

namespace CxrVL.Data.Builders;

/// <summary>
/// Split list files in the format MRM's <c>DatasetsSplits/</c> and the NIH release use: one image name or path per
/// line (as the source's table spells it), optionally followed by integer labels (<see cref="LabelsOf"/>; a builder that
/// takes its labels from the source tables ignores them). <c>train_list.txt</c>, <c>val_list.txt</c>,
/// <c>test_list.txt</c> give the split; <c>train_1.txt</c>, <c>train_10.txt</c> the training fractions (the source's
/// own subsets, used as given), whose images are in the training split even when no <c>train_list.txt</c> names them
/// (MRM ships none for CheXpert: too large).
/// </summary>
public sealed class SplitLists
{
    private readonly Dictionary<string, string> _splits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _fractions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int[]> _labels = new(StringComparer.Ordinal);

    public bool HasFractions => _fractions.Count > 0;

    public int Count => _splits.Count;

    /// <summary>Reads the lists in <paramref name="folder"/>; an error when it holds none.</summary>
    public static SplitLists Read(string folder)
    {
        var lists = new SplitLists();
        var found = false;
        foreach (var (file, split) in new[] { ("train_list.txt", ManifestSplits.Train), ("val_list.txt", ManifestSplits.Valid), ("test_list.txt", ManifestSplits.Test) })
            if (SourceFiles.Find(folder, file) is { } path)
            {
                found = true;
                foreach (var (name, labels) in Lines(path))
                {
                    lists._splits[name] = split;
                    lists.KeepLabels(name, labels);
                }
            }
        foreach (var path in Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "train_*.txt") : [])
            if (int.TryParse(Path.GetFileNameWithoutExtension(path)["train_".Length..], out var percent))
                foreach (var (name, labels) in Lines(path))
                {
                    lists.KeepLabels(name, labels);
                    if (!lists._fractions.TryGetValue(name, out var list))
                        lists._fractions[name] = list = [];
                    list.Add(percent);
                }
        if (!found)
            throw new CxrVLException($"no split lists in '{folder}': expected train_list.txt, val_list.txt and/or test_list.txt (one image name per line).");
        return lists;
    }

    /// <summary>The NIH release's own lists: <c>train_val_list.txt</c> (as train) and <c>test_list.txt</c>; null when absent.</summary>
    public static SplitLists? ReadOfficial(string root, string trainValFile, string testFile)
    {
        var trainVal = SourceFiles.Find(root, trainValFile);
        var test = SourceFiles.Find(root, testFile);
        if (trainVal is null || test is null)
            return null;
        var lists = new SplitLists();
        foreach (var name in Names(trainVal))
            lists._splits[name] = ManifestSplits.Train;
        foreach (var name in Names(test))
            lists._splits[name] = ManifestSplits.Test;
        return lists;
    }

    /// <summary>The split the lists give <paramref name="name"/>: its split list, else train when a fraction list holds it, else null.</summary>
    public string? SplitOf(string name) => _splits.GetValueOrDefault(name) ?? (_fractions.ContainsKey(name) ? ManifestSplits.Train : null);

    /// <summary>The labels that follow <paramref name="name"/> in its list (the first list that gives any), or null.</summary>
    public IReadOnlyList<int>? LabelsOf(string name) => _labels.GetValueOrDefault(name);

    private void KeepLabels(string name, int[]? labels)
    {
        if (labels is not null)
            _labels.TryAdd(name, labels);
    }

    /// <summary>Fractions (ascending) that hold <paramref name="name"/>; null when the lists carry no fractions.</summary>
    public IReadOnlyList<int>? FractionsOf(string name) =>
        !HasFractions ? null : _fractions.TryGetValue(name, out var list) ? list.Order().ToList() : [];

    private static IEnumerable<string> Names(string path) => Lines(path).Select(l => l.Name);

    /// <summary>Each line's name and, when every field after it is an integer, those labels (else null).</summary>
    private static IEnumerable<(string Name, int[]? Labels)> Lines(string path)
    {
        using var reader = SourceFiles.OpenText(path);
        while (reader.ReadLine() is { } line)
        {
            var fields = line.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
                continue;
            var labels = fields.Length > 1 && fields[1..].All(f => int.TryParse(f, out _)) ? fields[1..].Select(int.Parse).ToArray() : null;
            yield return (fields[0].Replace('\\', '/'), labels);
        }
    }
}
