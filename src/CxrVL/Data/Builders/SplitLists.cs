using CxrVL.Data.Manifest;

namespace CxrVL.Data.Builders;

/// <summary>
/// Split list files in the format MRM's <c>DatasetsSplits/</c> and the NIH release use: one image name or path per
/// line (as the source's table spells it), optionally followed by labels (ignored; labels come from the source tables). <c>train_list.txt</c>,
/// <c>val_list.txt</c>, <c>test_list.txt</c> give the split; <c>train_1.txt</c>, <c>train_10.txt</c> the training
/// fractions (the source's own subsets, used as given).
/// </summary>
public sealed class SplitLists
{
    private readonly Dictionary<string, string> _splits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _fractions = new(StringComparer.Ordinal);

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
                foreach (var name in Names(path))
                    lists._splits[name] = split;
            }
        foreach (var path in Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "train_*.txt") : [])
            if (int.TryParse(Path.GetFileNameWithoutExtension(path)["train_".Length..], out var percent))
                foreach (var name in Names(path))
                {
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

    public string? SplitOf(string name) => _splits.GetValueOrDefault(name);

    /// <summary>Fractions (ascending) that hold <paramref name="name"/>; null when the lists carry no fractions.</summary>
    public IReadOnlyList<int>? FractionsOf(string name) =>
        !HasFractions ? null : _fractions.TryGetValue(name, out var list) ? list.Order().ToList() : [];

    private static IEnumerable<string> Names(string path)
    {
        using var reader = SourceFiles.OpenText(path);
        while (reader.ReadLine() is { } line)
        {
            var name = line.Split([' ', '\t', ','], 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (name is not null)
                yield return name.Replace('\\', '/');
        }
    }
}
