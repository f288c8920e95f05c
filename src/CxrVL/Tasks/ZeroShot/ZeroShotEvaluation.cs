using CxrVL.Data.Manifest;
using CxrVL.Evaluation.Classification;
using CxrVL.Methods.Encoders;
using CxrVL.Models;
using CxrVL.Tasks.Embedding;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tasks.Retrieval;
using static TorchSharp.torch;

namespace CxrVL.Tasks.ZeroShot;

/// <summary>
/// Zero-shot classification by image-prompt similarity: each class embedding is the renormalised mean of its prompts'
/// embeddings (prompt ensembling); an image's score for a class is the cosine similarity, its prediction the best class.
/// A model with its own protocol (<see cref="IPromptScorer"/>, PRIOR) scores the classes itself when the embeddings hold
/// the image regions (<c>Embedder.Embed(..., regions: true)</c>).
/// AUROC (one-vs-rest) comes from the continuous scores, never from hard labels; accuracy, macro F1 and Cohen's kappa
/// from the predictions, with bootstrap 95% intervals.
/// </summary>
public static class ZeroShotEvaluation
{
    /// <summary>The class of each row (-1 when it matches no class or more than one).</summary>
    /// <remarks>A class label <c>Name</c> matches value 1; <c>Name=0</c> matches a row labelled 0 (RSNA's negatives).</remarks>
    public static int[] ClassesOf(IReadOnlyList<ManifestRow> rows, ZeroShotConfig config)
    {
        foreach (var (name, spec) in config.Classes)
        {
            if (spec.Labels.Count == 0 && spec.Views.Count == 0 && spec.Meta.Count == 0)
                throw new CxrVLException($"zero-shot class '{name}' says no row belongs to it: give it labels, views or meta values.");
        }
        var classes = config.Classes.Values.Select(c => (Labels: c.Labels.Select(Parse).ToList(), c.Views, c.Meta)).ToList();
        return rows.Select(row =>
        {
            var matches = classes.Select((spec, i) => (spec, i)).Where(p => Matches(row, p.spec.Labels, p.spec.Views, p.spec.Meta)).ToList();
            return matches.Count == 1 ? matches[0].i : -1;
        }).ToArray();

        static (string Name, int Value) Parse(string label) =>
            label.EndsWith("=0", StringComparison.Ordinal) ? (label[..^2], 0)
            : label.EndsWith("=1", StringComparison.Ordinal) ? (label[..^2], 1)
            : (label, 1);
    }

    private static bool Matches(ManifestRow row, List<(string Name, int Value)> labels, List<string> views, Dictionary<string, List<string>> meta) =>
        (labels.Count == 0 || labels.Any(label => row.Labels.TryGetValue(label.Name, out var value) && value == label.Value))
        && (views.Count == 0 || (row.Images.FirstOrDefault()?.View is { } view && views.Contains(view, StringComparer.OrdinalIgnoreCase)))
        && meta.All(m => row.Meta?.TryGetValue(m.Key, out var value) == true && m.Value.Contains(value, StringComparer.Ordinal));

    public static ZeroShotResult Evaluate(PretrainedModel model, PairEmbeddings pairs, ZeroShotConfig config, Device device, int seed = 0) =>
        Evaluate(model, pairs.Images, pairs.Regions, pairs.Rows, config, device, seed);

    /// <param name="allImages">l2-normalised image embeddings [N, D] of <paramref name="imageRows"/>.</param>
    /// <param name="allRegions">The image regions, for a model with its own zero-shot protocol (<see cref="IPromptScorer"/>); else null.</param>
    public static ZeroShotResult Evaluate(PretrainedModel model, Tensor allImages, Tensor? allRegions, IReadOnlyList<ManifestRow> imageRows,
                                          ZeroShotConfig config, Device device, int seed = 0)
    {
        using var classifier = ZeroShotClassifier.Create(model, config, device, seed, ownProtocol: allRegions is not null);
        var names = classifier.Classes;
        var prompts = classifier.Prompts;
        var allTruth = ClassesOf(imageRows, config);
        var kept = Enumerable.Range(0, imageRows.Count).Where(i => allTruth[i] >= 0).ToArray();
        if (kept.Length == 0)
            throw new CxrVLException($"no row belongs to exactly one of the classes {string.Join(", ", names)}: check the classes' labels.");

        using var scope = NewDisposeScope();
        var keptIndex = tensor(kept.Select(i => (long)i).ToArray());
        var scores = classifier.Score(allImages.index_select(0, keptIndex), allRegions?.index_select(0, keptIndex));
        var truth = kept.Select(i => allTruth[i]).ToArray();
        var rows = kept.Select(i => imageRows[i]).ToList();

        var predicted = MultiClassMetrics.ArgMax(scores);
        var confusion = ConfusionMatrix.Of(truth, predicted, names.Count);
        var (perClassAuroc, macroAuroc) = MultiClassMetrics.OneVsRestAuroc(scores, truth);
        // Two classes (RSNA pneumonia vs none, BioViL's protocol): also ranked by the score difference, first class positive.
        double? byDifference = names.Count == 2
            ? RankingMetrics.Auroc(Enumerable.Range(0, truth.Length).Select(i => scores[i, 0] - scores[i, 1]).ToArray(), truth.Select(t => t == 0).ToArray())
            : null;
        var (accuracyInterval, aurocInterval) = config.Bootstrap > 0 ? ZeroShotIntervals.Of(scores, truth, predicted, config.Bootstrap, seed) : (null, null);
        var metrics = new ZeroShotMetrics
        {
            Images = kept.Length,
            ExcludedRows = imageRows.Count - kept.Length,
            Accuracy = confusion.Accuracy,
            MacroF1 = confusion.MacroF1,
            MacroPrecision = confusion.MacroPrecision,
            MacroRecall = confusion.MacroRecall,
            CohenKappa = confusion.CohenKappa,
            AurocMacro = macroAuroc,
            Auroc = names.Select((n, c) => (n, perClassAuroc[c])).ToDictionary(p => p.n, p => p.Item2),
            ClassCounts = names.Select((n, c) => (n, truth.Count(t => t == c))).ToDictionary(p => p.n, p => p.Item2),
            Prompts = names.ToDictionary(n => n, n => prompts[n].Count),
            AurocScoreDifference = byDifference,
            AccuracyCi95 = accuracyInterval,
            AurocMacroCi95 = aurocInterval,
        };
        return new ZeroShotResult(names, rows, scores, truth, imageRows.Count - kept.Length, metrics);
    }
}
