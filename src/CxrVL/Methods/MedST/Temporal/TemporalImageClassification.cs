using System.Globalization;
using CxrVL.Data.Manifest;
using CxrVL.Evaluation.Classification;
using CxrVL.Tasks.Embedding;
using CxrVL.Tasks.Pretraining;
using static TorchSharp.torch;

namespace CxrVL.Methods.MedST.Temporal;

/// <summary>
/// MS-CXR-T temporal image classification as MedST's <c>temporal_test.py</c> evaluates it: a frozen model embeds the
/// current and the previous image (single-view, frontal expert); their global embeddings, concatenated, feed
/// <c>SVC(kernel='linear')</c> (<see cref="LinearKernelSvc"/>) scored by <c>cross_val_score</c>'s stratified k-fold
/// accuracy (<see cref="StratifiedFolds"/>), per finding (progression improving / stable / worsening). Per seed the
/// whole table is shuffled as <c>df.sample(frac=1, random_state=seed)</c> shuffles it (<see cref="NumpyRandomState"/>)
/// before each finding keeps its labelled rows; results are the mean and the population standard deviation
/// (<c>np.std</c>) over the seeds, for each finding and for the per-seed average over findings.
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
    /// Per finding and fold count: the k-fold accuracy for each seed (the table shuffled by the seed, then stratified
    /// folds), as mean ± population std over seeds; findings with too few rows for a fold count are reported as skipped.
    /// </summary>
    public static Dictionary<string, object> Evaluate(IReadOnlyList<double[]> features, IReadOnlyList<ManifestRow> rows,
                                                      IReadOnlyList<int> folds, IReadOnlyList<int> seeds, double c = 1.0)
    {
        var results = new Dictionary<string, object>();
        var perSeedSums = folds.ToDictionary(k => k, _ => new double[seeds.Count]);
        var evaluatedFindings = folds.ToDictionary(k => k, _ => 0);
        var tablePositions = TablePositions(rows);
        var shuffledPositions = seeds.Select(seed => ShuffledPositions(seed, tablePositions)).ToList();
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
                foreach (var positions in shuffledPositions)
                {
                    var order = labelled.OrderBy(p => positions[p.Index]).ToList();
                    var x = order.Select(p => features[p.Index]).ToList();
                    var y = order.Select(p => p.Label).ToList();
                    if (y.Distinct().Count() < 2 || y.GroupBy(l => l).All(g => g.Count() < k))
                        break;
                    accuracies.Add(CrossValidatedAccuracy(x, y, k, c));
                }
                if (accuracies.Count == 0)
                {
                    perFinding[$"accuracy_{k}fold"] = $"skipped: needs two classes and a class with at least {k} rows";
                    continue;
                }
                var summary = MeanStd.OfPopulation(accuracies);
                perFinding[$"accuracy_{k}fold"] = new Dictionary<string, object> { ["mean"] = summary.Mean, ["std"] = summary.Std, ["per_seed"] = accuracies };
                for (var s = 0; s < accuracies.Count; s++)
                    perSeedSums[k][s] += accuracies[s];
                evaluatedFindings[k]++;
            }
            results[finding] = perFinding;
        }
        foreach (var k in folds)
        {
            var average = evaluatedFindings[k] == 0 ? null : MeanStd.OfPopulation(perSeedSums[k].Select(sum => sum / evaluatedFindings[k]));
            results[$"average_accuracy_{k}fold"] = average?.Mean ?? double.NaN;
            results[$"average_accuracy_{k}fold_std"] = average?.Std ?? double.NaN;
        }
        results["seeds"] = seeds;
        return results;
    }

    /// <summary>
    /// Each row's position in the MS-CXR-T table (meta <c>table_row</c> of <c>table_rows</c>, written by the builder), so
    /// the shuffle runs over the whole table as MedST's does even when rows are missing from the manifest; rows without
    /// it (older manifests) take their position in the manifest.
    /// </summary>
    private static (int[] Positions, int TableSize) TablePositions(IReadOnlyList<ManifestRow> rows)
    {
        if (rows.Any(r => r.Meta?.ContainsKey("table_row") != true || r.Meta?.ContainsKey("table_rows") != true))
            return (Enumerable.Range(0, rows.Count).ToArray(), rows.Count);
        var positions = rows.Select(r => int.Parse(r.Meta!["table_row"], CultureInfo.InvariantCulture)).ToArray();
        var size = rows.Select(r => int.Parse(r.Meta!["table_rows"], CultureInfo.InvariantCulture)).Distinct().ToList();
        if (size.Count != 1 || positions.Any(p => p < 0 || p >= size[0]))
            throw new CxrVLException("the MS-CXR-T rows disagree on their table_row/table_rows meta: rebuild the manifest with 'cxrvl data build ms-cxr-t'.");
        return (positions, size[0]);
    }

    /// <summary>Where each row lands after <c>df.sample(frac=1, random_state=seed)</c> (the table reordered by numpy's permutation).</summary>
    private static int[] ShuffledPositions(int seed, (int[] Positions, int TableSize) table)
    {
        var permutation = new NumpyRandomState(seed).Permutation(table.TableSize);
        var shuffledPosition = new int[table.TableSize];
        for (var p = 0; p < permutation.Length; p++)
            shuffledPosition[permutation[p]] = p;
        return table.Positions.Select(p => shuffledPosition[p]).ToArray();
    }

    /// <summary>Mean test accuracy over the stratified folds, as <c>cross_val_score(SVC(kernel='linear', C=c), X, y, cv=k).mean()</c>.</summary>
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
            var svm = LinearKernelSvc.Fit(train.Select(i => x[i]).ToList(), train.Select(i => y[i]).ToList(), c);
            var predicted = svm.Predict(test.Select(i => x[i]).ToList());
            accuracies.Add(test.Select((i, j) => predicted[j] == y[i] ? 1.0 : 0.0).Average());
        }
        return accuracies.Average();
    }

    private static int Label(string? progression) => progression is null ? -1 : Progressions.ToList().IndexOf(progression.Trim().ToLowerInvariant());
}
