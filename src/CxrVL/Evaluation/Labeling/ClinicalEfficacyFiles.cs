namespace CxrVL.Evaluation.Labeling;

/// <summary>
/// Clinical efficacy from files: each side is either a JSON object of texts (labelled with
/// <see cref="ChexpertLabeler.FromDataRoot"/>) or a label table (.csv); the two are paired by id.
/// </summary>
public static class ClinicalEfficacyFiles
{
    public static ClinicalEfficacyScores Compute(string referencesPath, string predictionsPath)
    {
        ChexpertLabeler? labeler = null;
        IReadOnlyList<KeyValuePair<string, ChexpertLabels>> Read(string path)
        {
            if (Path.GetExtension(path).Equals(".csv", StringComparison.OrdinalIgnoreCase))
                return LabelFiles.ReadLabels(path);
            labeler ??= ChexpertLabeler.FromDataRoot();
            return LabelFiles.ReadReports(path).Reports.Select(r => new KeyValuePair<string, ChexpertLabels>(r.Key, labeler.Label(r.Value))).ToList();
        }

        var references = Read(referencesPath);
        var predictions = new Dictionary<string, ChexpertLabels>(StringComparer.Ordinal);
        foreach (var (key, labels) in Read(predictionsPath))
        {
            if (!predictions.TryAdd(key, labels))
                throw new CxrVLException($"'{predictionsPath}': id '{key}' appears twice.");
        }
        var pairs = new List<(ChexpertLabels, ChexpertLabels)>(references.Count);
        foreach (var (key, labels) in references)
        {
            if (!predictions.Remove(key, out var predicted))
                throw new CxrVLException($"id '{key}' is in '{referencesPath}' but not in '{predictionsPath}'; both must hold the same ids.");
            pairs.Add((labels, predicted));
        }
        if (predictions.Count > 0)
            throw new CxrVLException($"id '{predictions.Keys.First()}' is in '{predictionsPath}' but not in '{referencesPath}' ({predictions.Count} such ids); both must hold the same ids.");
        if (pairs.Count == 0)
            throw new CxrVLException($"'{referencesPath}' holds no reports to score.");
        return ClinicalEfficacy.Compute(pairs);
    }
}
