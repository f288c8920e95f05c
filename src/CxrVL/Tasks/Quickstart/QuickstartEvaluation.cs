using System.Globalization;
using CxrVL.Configuration;
using CxrVL.Data.Manifest;
using CxrVL.Evaluation.Classification;
using CxrVL.Evaluation.Plots;
using CxrVL.Runs;
using CxrVL.Runtime;
using CxrVL.Tasks.Embedding;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tasks.Retrieval;
using CxrVL.Tasks.ZeroShot;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Quickstart;

/// <summary>What the evaluation phase of the quickstart produced.</summary>
internal sealed record EvaluationOutcome(
    IReadOnlyList<TaskComparison> Results,
    IReadOnlyList<ReportFigure> RocCurves,
    IReadOnlyList<RetrievalExample> RetrievalExamples,
    IReadOnlyList<ReportFigure> Visualisations);

/// <summary>
/// The quickstart's evaluation of the three models (<see cref="QuickstartArm"/>): zero-shot classification of every
/// test image for each zero-shot task, retrieval both ways over the test image-note pairs, a linear probe on the frozen
/// image backbone's pooled features for each probe task, ROC curves, retrieval examples and saliency maps. Every
/// difference to the pretrained model comes with a paired bootstrap interval over the test items.
/// </summary>
internal static class QuickstartEvaluation
{
    private const string ZeroShotTask = "zero-shot";
    private const string ProbeTask = "linear probe";

    public static EvaluationOutcome Run(QuickstartConfig config, string checkpoint, string manifest, RunFolder run, RuntimeContext runtime,
                                        List<string> dataSummary, List<UnavailablePart> unavailable)
    {
        var device = runtime.Device;
        var data = ManifestData.Open(manifest);
        var zeroShotTasks = config.ZeroShot.Select(r => ConfigLoader.Load<ZeroShotConfig>(RecipeLocator.Resolve(r), [$"bootstrap={config.Bootstrap}"])).ToList();
        var probeTasks = config.Probe.Tasks.Select(r => ConfigLoader.Load<ZeroShotConfig>(RecipeLocator.Resolve(r))).ToList();
        if (zeroShotTasks.Count == 0)
            throw new CxrVLException("the quickstart needs at least one zero-shot task (zero_shot: in configs/quickstart.yaml).");
        var testRows = Embedder.SelectRows(data, config.EvalSplit);
        var trainRows = Embedder.SelectRows(data, ManifestSplits.Train);
        var figures = run.File("figures");
        Directory.CreateDirectory(figures);
        var console = run.Log.Console;

        using var trained = PretrainedModel.Load(checkpoint, device);
        using var random = PretrainedModel.Untrained(trained.Config, device, runtime.Seed);
        var model = trained.Config.Model;
        using var package = model.Image.Init is not null || model.Text.Init is not null ? PretrainedModel.Initialised(trained.Config, device, runtime.Seed) : null;
        if (package is null)
            unavailable.Add(new UnavailablePart(QuickstartReport.Results, $"{config.Method}'s recipe names no package weights (model.image.init, model.text.init), so there is no package-weights column."));
        var models = new List<(QuickstartArm Arm, PretrainedModel Model)> { (QuickstartArm.Random, random) };
        if (package is not null)
            models.Add((QuickstartArm.Package, package));
        models.Add((QuickstartArm.Pretrained, trained));

        var pairs = new Dictionary<QuickstartArm, PairEmbeddings>();
        var test = new Dictionary<QuickstartArm, ImageFeatures>();
        var train = new Dictionary<QuickstartArm, ImageFeatures>();
        try
        {
            foreach (var (arm, m) in models)
            {
                pairs[arm] = Embedder.Embed(m, testRows, data.Root, device, progress: console);
                test[arm] = ImageFeatures.Compute(m, testRows, data.Root, device, console);
                train[arm] = ImageFeatures.Compute(m, trainRows, data.Root, device, console);
            }
            var results = new List<TaskComparison>();
            var rocs = new List<ReportFigure>();
            var seed = runtime.Seed;
            var resamples = config.Bootstrap;

            // Zero-shot classification of every test image (notes are not needed).
            foreach (var task in zeroShotTasks)
            {
                var outcomes = models.ToDictionary(m => m.Arm, m => ZeroShotEvaluation.Evaluate(m.Model, test[m.Arm].Embeddings, null, test[m.Arm].Rows, task, device, seed));
                var first = outcomes[QuickstartArm.Pretrained];
                var label = $"{ZeroShotTask}: {string.Join(" vs ", first.Classes)}";
                results.Add(PairedBootstrap.Compare(label, "AUROC", first.Truth.Length,
                    outcomes.ToDictionary(o => o.Key, o => (Func<int[], double>?)ItemStatistics.Auroc(o.Value.Scores, o.Value.Truth)), resamples, seed));
                dataSummary.Add($"{label}: {first.Truth.Length} {config.EvalSplit} images ({Counts(first.Classes, first.Truth)}), {first.Excluded} in neither class");
                rocs.AddRange(RocFigures(label, first.Classes, outcomes.ToDictionary(o => o.Key, o => o.Value.Scores), first.Truth, figures, $"zeroshot_{task.Name}"));
            }

            // Retrieval over the test image-note pairs; Precision@5 by the first zero-shot task's classes.
            var texts = pairs[QuickstartArm.Pretrained].Rows.Select(r => NoteOf(r, trained)).ToList();
            var rowClasses = ZeroShotEvaluation.ClassesOf(pairs[QuickstartArm.Pretrained].Rows, zeroShotTasks[0]);
            var retrieval = models.ToDictionary(m => m.Arm, m => RetrievalEvaluation.PerItem(pairs[m.Arm], texts, rowClasses));
            var n = texts.Count;
            dataSummary.Add($"retrieval: {n} {config.EvalSplit} image-note pairs ({texts.Distinct(StringComparer.Ordinal).Count()} distinct notes)");
            foreach (var (direction, label) in new[] { ("i2t", "image-to-text retrieval"), ("t2i", "text-to-image retrieval") })
            {
                foreach (var k in new[] { 1, 5, 10 })
                {
                    results.Add(PairedBootstrap.Compare(label, $"Recall@{k}", n, retrieval.ToDictionary(r => r.Key,
                        r => (Func<int[], double>?)ItemStatistics.Mean(r.Value.Hits(direction, k))), resamples, seed));
                }
            }
            results.Add(PairedBootstrap.Compare("retrieval", "mean recall (R@1/5/10, both ways)", n,
                retrieval.ToDictionary(r => r.Key, r => (Func<int[], double>?)ItemStatistics.Mean(r.Value.MeanRecall())), resamples, seed));
            if (retrieval[QuickstartArm.Pretrained].PrecisionAt5 is { } precision)
            {
                results.Add(PairedBootstrap.Compare("retrieval", $"Precision@5 by {zeroShotTasks[0].Name} class", precision.Count(p => !double.IsNaN(p)),
                    retrieval.ToDictionary(r => r.Key, r => (Func<int[], double>?)ItemStatistics.Mean(r.Value.PrecisionAt5!.Where(p => !double.IsNaN(p)).ToArray())), resamples, seed));
            }

            // Linear probe on the frozen image backbone's pooled features.
            foreach (var task in probeTasks)
            {
                var probes = models.ToDictionary(m => m.Arm, m => Probe(train[m.Arm], test[m.Arm], task, config.Probe));
                var first = probes[QuickstartArm.Pretrained];
                var names = task.Classes.Keys.ToList();
                var label = $"{ProbeTask}: {string.Join(" vs ", names)}";
                results.Add(PairedBootstrap.Compare(label, "AUROC", first.Truth.Length,
                    probes.ToDictionary(p => p.Key, p => (Func<int[], double>?)ItemStatistics.Auroc(p.Value.Scores, p.Value.Truth)), resamples, seed));
                dataSummary.Add($"{label}: trained on {first.TrainRows} {ManifestSplits.Train} images, tested on {first.Truth.Length} ({Counts(names, first.Truth)})");
                rocs.AddRange(RocFigures(label, names, probes.ToDictionary(p => p.Key, p => p.Value.Scores), first.Truth, figures, $"probe_{task.Name}"));
            }

            var examples = RetrievalExamples(config.RetrievalExamples, pairs, texts, data.Root);
            var visualisations = Visualisations(config.Visualisations, models, pairs[QuickstartArm.Pretrained].Rows, texts, data.Root, device, figures);
            return new EvaluationOutcome(results, rocs, examples, visualisations);
        }
        finally
        {
            foreach (var embeddings in pairs.Values)
                embeddings.Dispose();
            foreach (var features in test.Values.Concat(train.Values))
                features.Dispose();
        }
    }

    /// <summary>A linear probe of one task on the backbone features: trained on the training images in a class, scored on the test images in one.</summary>
    private static LinearProbeResult Probe(ImageFeatures train, ImageFeatures test, ZeroShotConfig task, LinearProbeConfig config)
    {
        var trainClasses = ZeroShotEvaluation.ClassesOf(train.Rows, task);
        var testClasses = ZeroShotEvaluation.ClassesOf(test.Rows, task);
        var (trainFeatures, trainTruth) = LinearProbe.Select(train.Pooled, trainClasses);
        var (testFeatures, testTruth) = LinearProbe.Select(test.Pooled, testClasses);
        using (trainFeatures)
        using (testFeatures)
            return LinearProbe.Fit(trainFeatures, trainTruth, testFeatures, testTruth, task.Classes.Count, config);
    }

    private static string Counts(IReadOnlyList<string> names, int[] truth) =>
        string.Join(", ", names.Select((c, i) => $"{truth.Count(t => t == i)} {c}"));

    private static string NoteOf(ManifestRow row, PretrainedModel model) => row.Report?.Join(model.Config.Data.ReportSections) ?? "";

    /// <summary>One ROC figure per class that has positives and negatives (one for a two-class task): each model's one-vs-rest curve.</summary>
    private static IEnumerable<ReportFigure> RocFigures(string task, IReadOnlyList<string> names, IReadOnlyDictionary<QuickstartArm, double[,]> scores,
                                                        int[] truth, string folder, string prefix)
    {
        for (var c = 0; c < (names.Count == 2 ? 1 : names.Count); c++)
        {
            var positive = truth.Select(t => t == c).ToArray();
            if (positive.All(p => p) || !positive.Any(p => p))
                continue;
            var curves = scores.Select(s =>
            {
                var column = Enumerable.Range(0, truth.Length).Select(i => s.Value[i, c]).ToArray();
                return (QuickstartReport.ArmName(s.Key), RankingMetrics.RocCurve(column, positive), RankingMetrics.Auroc(column, positive));
            }).ToList();
            var path = Path.Combine(folder, $"roc_{prefix}_{c}.png");
            CurvePlots.WriteRocComparison(path, $"{task}: {names[c]} vs rest", curves, 420, 400);
            yield return new ReportFigure($"{task}: {names[c]}", File.ReadAllBytes(path),
                $"{positive.Count(p => p)} positive and {positive.Count(p => !p)} negative test images.");
        }
    }

    /// <summary>Test images spread over the split, each with the pretrained model's three most similar distinct notes.</summary>
    private static List<RetrievalExample> RetrievalExamples(int count, IReadOnlyDictionary<QuickstartArm, PairEmbeddings> pairs, IReadOnlyList<string> texts, string root)
    {
        var examples = new List<RetrievalExample>();
        if (count <= 0)
            return examples;
        // Candidates are the distinct notes; an image may share its note with other images of the patient.
        var distinct = texts.Select((t, i) => (t, i)).GroupBy(p => p.t, StringComparer.Ordinal).Select(g => g.First().i).ToArray();
        using var index = tensor(distinct.Select(i => (long)i).ToArray());
        var similarity = pairs.ToDictionary(p => p.Key, p =>
        {
            using var candidates = p.Value.Texts.index_select(0, index);
            return SimilarityMatrix.Of(p.Value.Images, candidates);
        });
        var rows = pairs[QuickstartArm.Pretrained].Rows;
        var chosen = Enumerable.Range(0, Math.Min(count, rows.Count)).Select(k => k * rows.Count / Math.Min(count, rows.Count)).Distinct();
        foreach (var i in chosen)
        {
            var own = Array.FindIndex(distinct, d => texts[d] == texts[i]);
            var order = Rank(similarity[QuickstartArm.Pretrained], i);
            var top = order.Take(3).Select(c => new RetrievedNote(texts[distinct[c]], similarity[QuickstartArm.Pretrained][i, c], c == own)).ToList();
            var image = rows[i].Images.First(im => im.Present);
            var ranks = similarity.ToDictionary(s => s.Key, s => Array.IndexOf(Rank(s.Value, i), own) + 1);
            examples.Add(new RetrievalExample(rows[i].StudyId, ReportImages.Thumbnail(Path.Combine(root, image.Path), 220), texts[i], top, ranks, distinct.Length));
        }
        return examples;
    }

    private static int[] Rank(double[,] similarity, int row) =>
        Enumerable.Range(0, similarity.GetLength(1)).OrderByDescending(c => similarity[row, c]).ThenBy(c => c).ToArray();

    /// <summary>Saliency of the image-note similarity for a few test images, one map per model.</summary>
    private static List<ReportFigure> Visualisations(int count, IReadOnlyList<(QuickstartArm Arm, PretrainedModel Model)> models, IReadOnlyList<ManifestRow> rows,
                                                     IReadOnlyList<string> texts, string root, Device device, string folder)
    {
        var figures = new List<ReportFigure>();
        for (var k = 0; k < Math.Min(count, rows.Count); k++)
        {
            var i = k * rows.Count / Math.Min(count, rows.Count);
            var path = Path.Combine(root, rows[i].Images.First(im => im.Present).Path);
            var maps = models.Select(m => (m.Arm, Map: SaliencyMap.Compute(m.Model, path, texts[i], device))).ToList();
            var png = ReportImages.HeatMapRow(maps[^1].Map.Image, maps.Select(m => m.Map.Map).ToList(), maps[^1].Map.Size, 200);
            File.WriteAllBytes(Path.Combine(folder, $"saliency_{k}.png"), png);
            figures.Add(new ReportFigure($"{rows[i].StudyId}", png, "Left: the model input. Then, left to right: " +
                string.Join(", ", maps.Select(m => string.Create(CultureInfo.InvariantCulture, $"{QuickstartReport.ArmName(m.Arm)} (similarity to its note {m.Map.Similarity:0.000})"))) + "."));
        }
        return figures;
    }
}
