using CxrVL.Data.Manifest;
using CxrVL.Evaluation.Classification;
using CxrVL.Imaging;
using CxrVL.Tasks.Pretraining;
using CxrVL.Text.Cleaning;
using static TorchSharp.torch;

namespace CxrVL.Methods.MedST.Temporal;

/// <summary>
/// MS-CXR-T temporal sentence similarity: the cosine similarity of two sentences' global text embeddings scores
/// whether they are paraphrases (1) or contradictions (0). AUROC comes from the scores over all pairs. Accuracy is
/// k-fold: each fold's threshold is chosen on the other folds only and applied to it, and every fold counts. MedST's
/// released protocol (<c>released: true</c>) instead picks, over unshuffled folds, the threshold (of 0, 0.005, …, 1)
/// whose fold scored best on its test pairs and applies it to every pair, which is optimistic.
/// </summary>
public static class TemporalSentenceSimilarity
{
    /// <summary><c>cxrvl medst sentence-similarity</c>: the sentence pairs of an <c>ms-cxr-t</c> manifest, scored and evaluated.</summary>
    /// <param name="sentenceCleaner">cleans each sentence before the checkpoint's own reading (MedST's released
    /// <c>sent_proc</c>: <c>medst-sent-proc</c>); null leaves them to the checkpoint's <c>data.cleaner</c></param>
    public static Dictionary<string, object> Run(PretrainedModel model, string manifestPath, Device device, string? subset = null, int folds = 10, int seed = 0,
                                                 bool released = false, IReportCleaner? sentenceCleaner = null)
    {
        var rows = SelectRows(ManifestReader.Read(manifestPath), subset);
        if (rows.Count == 0)
            throw new CxrVLException($"'{manifestPath}' has no MS-CXR-T sentence pairs{(subset is null ? "" : $" in subset '{subset}'")}: build it with 'cxrvl data build ms-cxr-t'.");
        var (scores, paraphrase) = Score(model, rows, device, sentenceCleaner);
        var metrics = released ? EvaluateAsReleased(scores, paraphrase, folds) : Evaluate(scores, paraphrase, folds, seed);
        metrics["subset"] = subset ?? "all";
        return metrics;
    }

    /// <summary>Sentence pairs of an <c>ms-cxr-t</c> manifest, optionally of one subset (MedST uses <c>RadGraph</c>).</summary>
    public static List<ManifestRow> SelectRows(IEnumerable<ManifestRow> rows, string? subset = null) =>
        rows.Where(r => r.Meta?.GetValueOrDefault("task") == "temporal_sentence_similarity" &&
                        (subset is null || string.Equals(r.Meta.GetValueOrDefault("subset_name"), subset, StringComparison.OrdinalIgnoreCase)))
            .ToList();

    /// <summary>Cosine similarity of each pair's sentence embeddings, and whether the pair is a paraphrase.</summary>
    public static (double[] Scores, bool[] Paraphrase) Score(PretrainedModel model, IReadOnlyList<ManifestRow> rows, Device device,
                                                             IReportCleaner? sentenceCleaner = null)
    {
        if (rows.Count == 0)
            throw new CxrVLException("no MS-CXR-T sentence pairs to score (manifest rows with task temporal_sentence_similarity).");
        var paraphrase = rows.Select((r, i) => r.Meta!.GetValueOrDefault("category")?.Trim().ToLowerInvariant() switch
        {
            "paraphrase" => true,
            "contradiction" => false,
            var other => throw new CxrVLException($"MS-CXR-T sentence pair {r.StudyId}: category '{other}' is neither paraphrase nor contradiction."),
        }).ToArray();
        using var scope = NewDisposeScope();
        List<string> Sentences(string key) =>
            rows.Select(r => r.Meta![key]).Select(s => sentenceCleaner is null ? s : sentenceCleaner.Clean(s).Text).ToList();
        var first = model.EmbedTexts(Sentences("sentence_1"), device);
        var second = model.EmbedTexts(Sentences("sentence_2"), device);
        var cosine = (first * second).sum(1).to(float64).contiguous().data<double>().ToArray();
        return (cosine, paraphrase);
    }

    public static Dictionary<string, object> Evaluate(double[] scores, bool[] paraphrase, int folds = 10, int seed = 0)
    {
        if (folds < 2 || folds > scores.Length)
            throw new CxrVLException($"sentence similarity: {folds} folds do not fit {scores.Length} sentence pairs.");
        var order = Enumerable.Range(0, scores.Length).ToArray();
        TransformRandom.For(seed, 0, -4).Shuffle<int>(order);
        var accuracies = new List<double>();
        var thresholds = new List<double>();
        var correct = 0;
        for (var fold = 0; fold < folds; fold++)
        {
            // KFold without stratification: the first (n mod k) folds hold one pair more.
            var start = fold * (scores.Length / folds) + Math.Min(fold, scores.Length % folds);
            var size = scores.Length / folds + (fold < scores.Length % folds ? 1 : 0);
            var test = order[start..(start + size)];
            var train = order[..start].Concat(order[(start + size)..]).ToArray();
            var (threshold, _) = ThresholdSelection.BestAccuracyThreshold(train.Select(i => scores[i]).ToArray(), train.Select(i => paraphrase[i]).ToArray());
            var hits = test.Count(i => scores[i] >= threshold == paraphrase[i]);
            correct += hits;
            accuracies.Add((double)hits / test.Length);
            thresholds.Add(threshold);
        }
        var summary = MeanStd.Of(accuracies);
        return new Dictionary<string, object>
        {
            ["pairs"] = scores.Length,
            ["paraphrases"] = paraphrase.Count(p => p),
            ["auroc"] = RankingMetrics.Auroc(scores, paraphrase),
            ["accuracy"] = (double)correct / scores.Length,
            ["accuracy_per_fold"] = new Dictionary<string, object> { ["mean"] = summary.Mean, ["std"] = summary.Std, ["folds"] = folds },
            ["thresholds"] = thresholds,
            ["seed"] = seed,
        };
    }

    /// <summary>
    /// MedST's <c>text_sim</c>: unshuffled k folds; on each fold's training pairs the first threshold of 0, 0.005, …, 1
    /// with the best accuracy of <c>score &gt; threshold</c>; the threshold of the fold with the best test accuracy (the
    /// first on ties) decides every pair. Scores compare in single precision, as MedST's float32 similarities do.
    /// </summary>
    public static Dictionary<string, object> EvaluateAsReleased(double[] scores, bool[] paraphrase, int folds = 10)
    {
        if (folds < 2 || folds > scores.Length)
            throw new CxrVLException($"sentence similarity: {folds} folds do not fit {scores.Length} sentence pairs.");
        var grid = Enumerable.Range(0, 201).Select(k => k * 0.005).ToArray();
        double Accuracy(IEnumerable<int> pairs, double threshold) =>
            pairs.Average(i => (float)scores[i] > (float)threshold == paraphrase[i] ? 1.0 : 0.0);
        var (bestTest, chosen) = (0.0, 0.0);
        for (var fold = 0; fold < folds; fold++)
        {
            // scikit-learn's KFold: the first (n mod k) folds hold one pair more.
            var start = fold * (scores.Length / folds) + Math.Min(fold, scores.Length % folds);
            var size = scores.Length / folds + (fold < scores.Length % folds ? 1 : 0);
            var test = Enumerable.Range(start, size).ToArray();
            var train = Enumerable.Range(0, scores.Length).Where(i => i < start || i >= start + size).ToArray();
            var (threshold, trainAccuracy) = (0.0, 0.0);
            foreach (var candidate in grid)
            {
                var accuracy = Accuracy(train, candidate);
                if (accuracy > trainAccuracy)
                    (threshold, trainAccuracy) = (candidate, accuracy);
            }
            var testAccuracy = Accuracy(test, threshold);
            if (testAccuracy > bestTest)
                (bestTest, chosen) = (testAccuracy, threshold);
        }
        return new Dictionary<string, object>
        {
            ["pairs"] = scores.Length,
            ["paraphrases"] = paraphrase.Count(p => p),
            ["auroc"] = RankingMetrics.Auroc(scores, paraphrase),
            ["accuracy"] = Accuracy(Enumerable.Range(0, scores.Length), chosen),
            ["threshold"] = chosen,
            ["protocol"] = "released: the threshold of the fold with the best test accuracy, applied to every pair",
        };
    }
}
