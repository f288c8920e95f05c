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
/// The quickstart's evaluation of a pretrained image-report model against the same architecture untrained (seeded):
/// zero-shot classification, retrieval both ways, a linear probe on frozen image embeddings, ROC curves, retrieval
/// examples and saliency maps.
/// </summary>
internal static class QuickstartEvaluation
{
    private const string ZeroShotTask = "zero-shot classification";
    private const string ProbeTask = "linear probe";

    public static EvaluationOutcome Run(QuickstartConfig config, string checkpoint, string manifest, RunFolder run, RuntimeContext runtime,
                                        List<string> dataSummary)
    {
        var device = runtime.Device;
        var info = ManifestInfo.ReadFor(manifest);
        var classes = ConfigLoader.Load<ZeroShotConfig>(RecipeLocator.Resolve(config.Classes), [$"bootstrap={config.Bootstrap}"]);
        var testRows = Embedder.SelectRows(manifest, config.EvalSplit);
        var trainRows = Embedder.SelectRows(manifest, ManifestSplits.Train);
        var figures = run.File("figures");
        Directory.CreateDirectory(figures);

        using var trained = PretrainedModel.Load(checkpoint, device);
        using var untrained = PretrainedModel.Untrained(trained.Config, device, runtime.Seed);
        var models = new[] { ("pretrained", trained), ("untrained", untrained) };
        var console = run.Log.Console;
        var test = models.Select(m => Embedder.Embed(m.Item2, testRows, info.Root, device, progress: console)).ToArray();
        var train = models.Select(m => Embedder.Embed(m.Item2, trainRows, info.Root, device, progress: console)).ToArray();
        try
        {
            var texts = test[0].Rows.Select(r => NoteOf(r, trained)).ToList();
            dataSummary.Add($"evaluation: {test[0].Rows.Count} {config.EvalSplit} image-note pairs; linear probe trained on {train[0].Rows.Count} {ManifestSplits.Train} images");
            var results = new List<TaskComparison>();
            var rocs = new List<ReportFigure>();

            // Zero-shot classification.
            var zeroShot = test.Zip(models).Select(p => ZeroShotEvaluation.Evaluate(p.Second.Item2, p.First, classes, device, runtime.Seed)).ToArray();
            foreach (var metric in new[] { ("auroc_macro", "AUROC (macro)"), ("accuracy", "accuracy"), ("macro_f1", "macro F1") })
                results.Add(new TaskComparison(ZeroShotTask, metric.Item2, Convert.ToDouble(zeroShot[0].Metrics[metric.Item1], CultureInfo.InvariantCulture),
                                               Convert.ToDouble(zeroShot[1].Metrics[metric.Item1], CultureInfo.InvariantCulture)));
            dataSummary.Add($"zero-shot: {zeroShot[0].Rows.Count} test images in classes {string.Join(", ", zeroShot[0].Classes.Select((c, i) => $"{c} ({zeroShot[0].Truth.Count(t => t == i)})"))}");
            rocs.AddRange(RocFigures(ZeroShotTask, zeroShot[0].Classes, zeroShot[0].Scores, zeroShot[1].Scores, zeroShot[0].Truth, figures, "zeroshot"));

            // Retrieval.
            var rowClasses = ZeroShotEvaluation.ClassesOf(test[0].Rows, classes);
            var retrieval = test.Select(t => RetrievalEvaluation.Evaluate(t, texts, rowClasses)).ToArray();
            foreach (var (direction, label) in new[] { ("i2t", "image-to-text retrieval"), ("t2i", "text-to-image retrieval") })
            {
                foreach (var k in new[] { 1, 5, 10 })
                {
                    var key = string.Create(CultureInfo.InvariantCulture, $"{direction}_recall@{k}");
                    results.Add(new TaskComparison(label, $"Recall@{k}", retrieval[0][key], retrieval[1][key]));
                }
            }
            results.Add(new TaskComparison("retrieval", "mean recall (R@1/5/10, both ways)", MeanRecall(retrieval[0]), MeanRecall(retrieval[1])));
            if (retrieval[0].ContainsKey("i2t_precision@5"))
                results.Add(new TaskComparison("retrieval", "Precision@5 by class", retrieval[0]["i2t_precision@5"], retrieval[1]["i2t_precision@5"]));

            // Linear probe on frozen image embeddings.
            var trainClasses = ZeroShotEvaluation.ClassesOf(train[0].Rows, classes);
            var probes = train.Zip(test).Select(p =>
            {
                var (trainFeatures, trainTruth) = LinearProbe.Select(p.First, trainClasses);
                var (testFeatures, testTruth) = LinearProbe.Select(p.Second, rowClasses);
                using (trainFeatures)
                using (testFeatures)
                    return LinearProbe.Fit(trainFeatures, trainTruth, testFeatures, testTruth, classes.Classes.Count, config.Probe, runtime.Seed);
            }).ToArray();
            results.Add(new TaskComparison(ProbeTask, "AUROC (macro)", probes[0].MacroAuroc, probes[1].MacroAuroc));
            results.Add(new TaskComparison(ProbeTask, "accuracy", probes[0].Accuracy, probes[1].Accuracy));
            rocs.AddRange(RocFigures(ProbeTask, classes.Classes.Keys.ToList(), probes[0].Scores, probes[1].Scores, probes[0].Truth, figures, "probe"));

            var examples = RetrievalExamples(config.RetrievalExamples, test, texts, info.Root);
            var visualisations = Visualisations(config.Visualisations, trained, untrained, test[0].Rows, texts, info.Root, device, figures);
            return new EvaluationOutcome(results, rocs, examples, visualisations);
        }
        finally
        {
            foreach (var embeddings in test.Concat(train))
                embeddings.Dispose();
        }
    }

    private static string NoteOf(ManifestRow row, PretrainedModel model) => row.Report?.Join(model.Config.Data.ReportSections) ?? "";

    private static double MeanRecall(IReadOnlyDictionary<string, double> metrics) =>
        new[] { "i2t_recall@1", "i2t_recall@5", "i2t_recall@10", "t2i_recall@1", "t2i_recall@5", "t2i_recall@10" }.Average(k => metrics[k]);

    /// <summary>One ROC figure per class that has positives and negatives: the pretrained and the untrained model's one-vs-rest curves.</summary>
    private static IEnumerable<ReportFigure> RocFigures(string task, IReadOnlyList<string> names, double[,] pretrained, double[,] untrained,
                                                        int[] truth, string folder, string prefix)
    {
        for (var c = 0; c < names.Count; c++)
        {
            var positive = truth.Select(t => t == c).ToArray();
            if (positive.All(p => p) || !positive.Any(p => p))
                continue;
            var curves = new[] { ("pretrained", pretrained), ("untrained", untrained) }.Select(m =>
            {
                var column = Enumerable.Range(0, truth.Length).Select(i => m.Item2[i, c]).ToArray();
                return (m.Item1, RankingMetrics.RocCurve(column, positive), RankingMetrics.Auroc(column, positive));
            }).ToList();
            var path = Path.Combine(folder, $"roc_{prefix}_{c}.png");
            CurvePlots.WriteRocComparison(path, $"{task}: {names[c]} vs rest", curves, 420, 400);
            yield return new ReportFigure($"{task}: {names[c]}", File.ReadAllBytes(path),
                $"{positive.Count(p => p)} positive and {positive.Count(p => !p)} negative test images.");
        }
    }

    /// <summary>Test images spread over the split, each with the pretrained model's three most similar distinct notes.</summary>
    private static List<RetrievalExample> RetrievalExamples(int count, PairEmbeddings[] test, IReadOnlyList<string> texts, string root)
    {
        var examples = new List<RetrievalExample>();
        if (count <= 0)
            return examples;
        // Candidates are the distinct notes; an image may share its note with other images of the patient.
        var distinct = texts.Select((t, i) => (t, i)).GroupBy(p => p.t, StringComparer.Ordinal).Select(g => g.First().i).ToArray();
        using var index = tensor(distinct.Select(i => (long)i).ToArray());
        using var candidatesTrained = test[0].Texts.index_select(0, index);
        using var candidatesUntrained = test[1].Texts.index_select(0, index);
        var simTrained = SimilarityMatrix.Of(test[0].Images, candidatesTrained);
        var simUntrained = SimilarityMatrix.Of(test[1].Images, candidatesUntrained);
        var rows = test[0].Rows;
        var chosen = Enumerable.Range(0, Math.Min(count, rows.Count)).Select(k => k * rows.Count / Math.Min(count, rows.Count)).Distinct();
        foreach (var i in chosen)
        {
            var own = Array.FindIndex(distinct, d => texts[d] == texts[i]);
            var order = Rank(simTrained, i);
            var top = order.Take(3).Select(c => new RetrievedNote(texts[distinct[c]], simTrained[i, c], c == own)).ToList();
            var image = rows[i].Images.First(im => im.Present);
            examples.Add(new RetrievalExample(rows[i].StudyId, ReportImages.Thumbnail(Path.Combine(root, image.Path), 220), texts[i], top,
                Array.IndexOf(order, own) + 1, Array.IndexOf(Rank(simUntrained, i), own) + 1, distinct.Length));
        }
        return examples;
    }

    private static int[] Rank(double[,] similarity, int row) =>
        Enumerable.Range(0, similarity.GetLength(1)).OrderByDescending(c => similarity[row, c]).ThenBy(c => c).ToArray();

    /// <summary>Saliency of the image-note similarity for a few test images, pretrained beside untrained.</summary>
    private static List<ReportFigure> Visualisations(int count, PretrainedModel trained, PretrainedModel untrained, IReadOnlyList<ManifestRow> rows,
                                                     IReadOnlyList<string> texts, string root, Device device, string folder)
    {
        var figures = new List<ReportFigure>();
        for (var k = 0; k < Math.Min(count, rows.Count); k++)
        {
            var i = k * rows.Count / Math.Min(count, rows.Count);
            var path = Path.Combine(root, rows[i].Images.First(im => im.Present).Path);
            var mapTrained = SaliencyMap.Compute(trained, path, texts[i], device);
            var mapUntrained = SaliencyMap.Compute(untrained, path, texts[i], device);
            var png = ReportImages.HeatMapRow(mapTrained.Image, [mapTrained.Map, mapUntrained.Map], mapTrained.Size, 200);
            File.WriteAllBytes(Path.Combine(folder, $"saliency_{k}.png"), png);
            figures.Add(new ReportFigure($"{rows[i].StudyId}", png, string.Create(CultureInfo.InvariantCulture,
                $"Left: the model input. Middle: pretrained (similarity to its note {mapTrained.Similarity:0.000}). Right: untrained ({mapUntrained.Similarity:0.000}).")));
        }
        return figures;
    }
}
