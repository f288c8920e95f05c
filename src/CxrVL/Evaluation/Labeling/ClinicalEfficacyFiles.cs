namespace CxrVL.Evaluation.Labeling;

/// <summary>
/// Clinical efficacy from files: each side is either a JSON object of texts (labelled with the chosen labeler) or a
/// label table (.csv); the two are paired by id. A reference text that is empty is left out of the scores and
/// reported, never labelled "No Finding" and scored.
/// </summary>
public static class ClinicalEfficacyFiles
{
    public static ClinicalEfficacyFileResult Compute(string referencesPath, string predictionsPath, LabelerOptions? labelerOptions = null,
                                                     UncertainLabels uncertain = UncertainLabels.Positive)
    {
        IReportLabeler? labeler = null;
        try
        {
            IReadOnlyList<(string Id, ChexpertLabels Labels, bool Empty)> Read(string path)
            {
                if (Path.GetExtension(path).Equals(".csv", StringComparison.OrdinalIgnoreCase))
                    return LabelFiles.ReadLabels(path).Select(r => (r.Key, r.Value, false)).ToList();
                var reports = LabelFiles.ReadReports(path).Reports;
                labeler ??= ReportLabelers.Create(labelerOptions ?? new LabelerOptions());
                var labels = labeler.Label(reports.Select(r => r.Value).ToList());
                return reports.Select((r, i) => (r.Key, labels[i], string.IsNullOrWhiteSpace(r.Value))).ToList();
            }

            var references = Read(referencesPath);
            var predictions = new Dictionary<string, ChexpertLabels>(StringComparer.Ordinal);
            foreach (var (key, labels, _) in Read(predictionsPath))
            {
                if (!predictions.TryAdd(key, labels))
                    throw new CxrVLException($"'{predictionsPath}': id '{key}' appears twice.");
            }
            var pairs = new List<(ChexpertLabels, ChexpertLabels)>(references.Count);
            var empty = new List<string>();
            foreach (var (key, labels, isEmpty) in references)
            {
                if (!predictions.Remove(key, out var predicted))
                    throw new CxrVLException($"id '{key}' is in '{referencesPath}' but not in '{predictionsPath}'; both must hold the same ids.");
                if (isEmpty)
                    empty.Add(key);
                else
                    pairs.Add((labels, predicted));
            }
            if (predictions.Count > 0)
                throw new CxrVLException($"id '{predictions.Keys.First()}' is in '{predictionsPath}' but not in '{referencesPath}' ({predictions.Count} such ids); both must hold the same ids.");
            if (pairs.Count == 0)
                throw new CxrVLException(empty.Count > 0
                    ? $"every reference report in '{referencesPath}' is empty ({empty.Count}); there is nothing to score against."
                    : $"'{referencesPath}' holds no reports to score.");
            return new ClinicalEfficacyFileResult(ClinicalEfficacy.Compute(pairs, uncertain), labeler?.Name ?? "label tables", empty);
        }
        finally
        {
            labeler?.Dispose();
        }
    }
}
