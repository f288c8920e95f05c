using CxrVL.Data.Manifest;
using CxrVL.Evaluation.Classification;
using CxrVL.Imaging;
using CxrVL.Tasks.Embedding;
using CxrVL.Tasks.Pretraining;
using static TorchSharp.torch;

namespace CxrVL.Methods.MedST.Temporal;

/// <summary>
/// MS-CXR-T temporal image classification as MedST evaluates it: a frozen model embeds the current and the previous
/// image (single-view, frontal expert); their global embeddings, concatenated, feed a linear SVM (<see cref="LinearSvm"/>)
/// scored by stratified k-fold accuracy (<see cref="StratifiedFolds"/>), per finding (progression improving / stable /
/// worsening) and for several seeds of row shuffling; reported as mean ± std over the seeds, with the mean over
/// findings.
/// </summary>
public static class TemporalImageClassification
{
    /// <summary>The MS-CXR-T progression classes, as the labels MedST uses (improving 0, stable 1, worsening 2).</summary>
    public static readonly IReadOnlyList<string> Progressions = ["improving", "stable", "worsening"];

    /// <summary><c>cxrvl medst temporal-cls</c>: the image pairs of an <c>ms-cxr-t</c> manifest, embedded and evaluated.</summary>
    public static Dictionary<string, object> Run(PretrainedModel model, string manifestPath, IReadOnlyList<int> folds, IReadOnlyList<int> seeds,
                                                 Device device, bool skipBad = false, double c = 1.0)
    {
        var manifest = ManifestData.Open(manifestPath);
        var rows = SelectRows(manifest.Rows);
        if (rows.Count == 0)
            throw new CxrVLException($"'{manifestPath}' has no MS-CXR-T image pairs (rows with meta task temporal_image_classification): build it with 'cxrvl data build ms-cxr-t'.");
        var (features, kept) = Embed(model, rows, manifest.Root, device, skipBad);
        var metrics = Evaluate(features, kept, folds, seeds, c);
        metrics["image_pairs"] = kept.Count;
        metrics["skipped_pairs"] = rows.Count - kept.Count;
        return metrics;
    }

    /// <summary>Rows of an <c>ms-cxr-t</c> manifest with two images (current, previous) and progression labels.</summary>
    public static List<ManifestRow> SelectRows(IEnumerable<ManifestRow> rows) =>
        rows.Where(r => r.Meta?.GetValueOrDefault("task") == "temporal_image_classification" && r.Images.Count >= 2).ToList();

    /// <summary>
    /// Embeds each row's current and previous image; rows whose images cannot be read are left out (with
    /// <paramref name="skipBad"/>) or an error naming the row.
    /// </summary>
    /// <returns>Features [current ⊕ previous] per kept row, and the kept rows.</returns>
    public static (List<double[]> Features, List<ManifestRow> Rows) Embed(PretrainedModel model, IReadOnlyList<ManifestRow> rows, string root,
                                                                         Device device, bool skipBad = false, int batchSize = 32)
    {
        var singles = rows.Select(r => r with { Images = [r.Images[0]] }).Concat(rows.Select(r => r with { Images = [r.Images[1]] })).ToList();
        var (images, embeddedRows) = Embedder.EmbedImages(model, singles, root, device, batchSize, skipBad);
        var width = (int)images.shape[1];
        var values = images.to(float64).contiguous().data<double>().ToArray();
        images.Dispose();
        var position = new Dictionary<ManifestRow, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < singles.Count; i++)
            position[singles[i]] = i;
        var embeddings = new double[singles.Count][];
        for (var k = 0; k < embeddedRows.Count; k++)
            embeddings[position[embeddedRows[k]]] = values[(k * width)..((k + 1) * width)];
        var features = new List<double[]>();
        var kept = new List<ManifestRow>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (embeddings[i] is not { } current || embeddings[rows.Count + i] is not { } previous)
                continue;
            features.Add([.. current, .. previous]);
            kept.Add(rows[i]);
        }
        if (kept.Count == 0)
            throw new CxrVLException("no MS-CXR-T image pair could be read: check the manifest's root (the MIMIC-CXR-JPG folder).");
        return (features, kept);
    }

    /// <summary>The findings a manifest's rows label (meta keys <c>&lt;finding&gt;_progression</c>), in order.</summary>
    public static List<string> Findings(IEnumerable<ManifestRow> rows) =>
        rows.SelectMany(r => r.Meta?.Keys ?? []).Where(k => k.EndsWith("_progression", StringComparison.Ordinal))
            .Select(k => k[..^"_progression".Length]).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Per finding and fold count: the k-fold accuracy for each seed (rows shuffled by the seed, then stratified folds),
    /// as mean ± std over seeds; findings with too few rows for a fold count are reported as skipped.
    /// </summary>
    public static Dictionary<string, object> Evaluate(IReadOnlyList<double[]> features, IReadOnlyList<ManifestRow> rows,
                                                      IReadOnlyList<int> folds, IReadOnlyList<int> seeds, double c = 1.0)
    {
        var results = new Dictionary<string, object>();
        var means = folds.ToDictionary(k => k, _ => new List<double>());
        foreach (var finding in Findings(rows))
        {
            var labelled = Enumerable.Range(0, rows.Count)
                .Select(i => (Index: i, Label: Label(rows[i].Meta?.GetValueOrDefault($"{finding}_progression"))))
                .Where(p => p.Label >= 0).ToList();
            var perFinding = new Dictionary<string, object>
            {
                ["rows"] = labelled.Count,
                ["class_counts"] = Progressions.Select((name, c) => (name, labelled.Count(p => p.Label == c))).ToDictionary(p => p.name, p => p.Item2),
            };
            foreach (var k in folds)
            {
                var accuracies = new List<double>();
                foreach (var seed in seeds)
                {
                    var order = Shuffle(labelled.Count, seed);
                    var x = order.Select(i => features[labelled[i].Index]).ToList();
                    var y = order.Select(i => labelled[i].Label).ToList();
                    if (y.Distinct().Count() < 2 || y.GroupBy(l => l).All(g => g.Count() < k))
                        break;
                    accuracies.Add(CrossValidatedAccuracy(x, y, k, c));
                }
                if (accuracies.Count == 0)
                {
                    perFinding[$"accuracy_{k}fold"] = $"skipped: needs two classes and a class with at least {k} rows";
                    continue;
                }
                var summary = MeanStd.Of(accuracies);
                perFinding[$"accuracy_{k}fold"] = new Dictionary<string, object> { ["mean"] = summary.Mean, ["std"] = summary.Std, ["per_seed"] = accuracies };
                means[k].Add(summary.Mean);
            }
            results[finding] = perFinding;
        }
        foreach (var k in folds)
            results[$"average_accuracy_{k}fold"] = means[k].Count == 0 ? double.NaN : means[k].Average();
        results["seeds"] = seeds;
        return results;
    }

    /// <summary>Mean test accuracy over the stratified folds, as <c>cross_val_score(LinearSVC(), X, y, cv=k).mean()</c>.</summary>
    public static double CrossValidatedAccuracy(IReadOnlyList<double[]> x, IReadOnlyList<int> y, int folds, double c = 1.0)
    {
        var assignment = StratifiedFolds.Assign(y, folds);
        var accuracies = new List<double>();
        for (var fold = 0; fold < folds; fold++)
        {
            var train = Enumerable.Range(0, y.Count).Where(i => assignment[i] != fold).ToList();
            var test = Enumerable.Range(0, y.Count).Where(i => assignment[i] == fold).ToList();
            if (test.Count == 0)
                continue;
            var svm = LinearSvm.Fit(train.Select(i => x[i]).ToList(), train.Select(i => y[i]).ToList(), c);
            var predicted = svm.Predict(test.Select(i => x[i]).ToList());
            accuracies.Add(test.Select((i, j) => predicted[j] == y[i] ? 1.0 : 0.0).Average());
        }
        return accuracies.Average();
    }

    private static int Label(string? progression) => progression is null ? -1 : Progressions.ToList().IndexOf(progression.Trim().ToLowerInvariant());

    private static int[] Shuffle(int count, int seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        TransformRandom.For(seed, 0, -3).Shuffle<int>(order);
        return order;
    }
}
