using CxrVL.Data.Manifest;
using CxrVL.Tasks.Pretraining;
using CxrVL.Text.Cleaning;
using static TorchSharp.torch;

namespace CxrVL.Methods.Prior.Reconstruction;

/// <summary>
/// What PRIOR's sentence prototypes mean for an image (<c>cxrvl prior reconstruct</c>): the query decoder generates
/// sentence prototypes from the image, the bank maps each to its nearest prototype (deterministically), and each
/// prototype is labelled by a training sentence: the one scoring highest among the training sentences the bank assigns
/// to it, else (no sentence assigned) the highest-scoring training sentence overall.
/// </summary>
public static class SentenceReconstruction
{
    public static IReadOnlyList<PrototypeSentence> Run(PretrainedModel model, string imagePath, IReadOnlyList<string> trainingReports,
                                                       Device device, int batchSize = 32)
    {
        if (model.Method is not PriorMethod prior)
            throw new CxrVLException($"'{model.Weights}' is a {model.Config.Method} model: reconstruction needs a PRIOR checkpoint (--method prior).");
        if (!File.Exists(imagePath))
            throw new CxrVLException($"image '{imagePath}' does not exist.");
        prior.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var image = model.LoadImageFile(imagePath).to(device);
        var generated = prior.GenerateSentences(image)[0];
        var query = prior.Bank.Query(generated);
        var weights = query.Distances.div(((PriorModelConfig)model.Config.Model).Prior.GumbelTemperature).softmax(1);
        var prototypes = query.Distances.argmax(1).data<long>().ToArray();
        var chosen = weights.gather(1, query.Distances.argmax(1, keepdim: true)).squeeze(1).to(float64).data<double>().ToArray();

        var (labels, assigned) = LabelPrototypes(model, prior, trainingReports, device, batchSize);
        return prototypes.Select((k, q) => new PrototypeSentence(q, (int)k, chosen[q], labels?[k], assigned?[k] ?? false)).ToList();
    }

    /// <summary>For every prototype, its label sentence and whether a training sentence is assigned to it.</summary>
    private static (string[]? Labels, bool[]? Assigned) LabelPrototypes(PretrainedModel model, PriorMethod prior, IReadOnlyList<string> reports,
                                                                      Device device, int batchSize)
    {
        if (reports.Count == 0)
            return (null, null);
        var cleaner = new PriorSentenceCleaner(minSentences: 1);
        var texts = new List<string>();
        var embeddings = new List<Tensor>();
        for (var start = 0; start < reports.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var chunk = reports.Skip(start).Take(batchSize).ToList();
            var (sentences, mask) = prior.EncodeSentences(model.EncodeTexts(chunk, device), null);
            var counts = mask.sum([1]).data<long>().ToArray();
            for (var i = 0; i < chunk.Count; i++)
                texts.AddRange(cleaner.Clean(chunk[i]).Sentences.Take((int)counts[i]));
            embeddings.Add(sentences.masked_select(mask.unsqueeze(-1)).view(-1, sentences.shape[2]).MoveToOuterDisposeScope());
        }
        using var all = cat(embeddings, 0);
        foreach (var e in embeddings)
            e.Dispose();
        if (all.shape[0] != texts.Count)
            throw new InvalidOperationException($"{texts.Count} sentence texts for {all.shape[0]} sentence embeddings.");
        if (texts.Count == 0)
            return (null, null);

        using var inner = NewDisposeScope();
        var scores = all.matmul(prior.Bank.Prototypes.t());
        var owner = scores.argmax(1);
        var prototypes = (int)scores.shape[1];
        var onlyOwn = scores.masked_fill(owner.unsqueeze(1).ne(arange(prototypes, device: scores.device).unsqueeze(0)), double.NegativeInfinity);
        var ownBest = onlyOwn.max(0);
        var anyBest = scores.argmax(0).data<long>().ToArray();
        var assigned = ownBest.values.isfinite().data<bool>().ToArray();
        var best = ownBest.indexes.data<long>().ToArray();
        var labels = Enumerable.Range(0, prototypes).Select(k => texts[(int)(assigned[k] ? best[k] : anyBest[k])]).ToArray();
        return (labels, assigned);
    }

    /// <summary>The reports of a manifest split in the recipe's sections (the sentences that label the prototypes).</summary>
    public static IReadOnlyList<string> TrainingReports(string manifestPath, PretrainConfig config, string split) =>
        ManifestReader.Read(manifestPath)
            .Where(r => split == "all" || r.Split == split)
            .Select(r => r.Report?.Join(config.Data.ReportSections))
            .Where(t => !string.IsNullOrWhiteSpace(t))
            .Select(t => t!)
            .ToList();
}
