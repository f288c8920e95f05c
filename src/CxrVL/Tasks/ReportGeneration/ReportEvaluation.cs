using CxrVL.Evaluation.Labeling;
using CxrVL.Evaluation.Nlg;
using static TorchSharp.torch;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>
/// Scores a trained model on a split: reports decoded with the recipe's decoding, against the targets as the model sees
/// them (cleaned, truncated, vocabulary-decoded, as R2Gen scores), with BLEU/ROUGE-L/CIDEr-D and clinical efficacy from
/// the rule-based labeler; and the nearest-neighbour baseline: each test study gets the report of the training study
/// whose pooled image feature is most cosine-similar.
/// </summary>
public static class ReportEvaluation
{
    /// <param name="labelSource"><c>classifier</c> (default) or <c>report</c> (labels of the reference report: the seed's leak).</param>
    public static ReportEvaluationResult Generate(ReportGenerator generator, string manifestPath, string split, string labelSource, int seed)
    {
        var useReportLabels = labelSource switch
        {
            "classifier" => false,
            "report" => true,
            _ => throw new CxrVLException($"unknown label source '{labelSource}': use classifier or report."),
        };
        var (dataset, source, rows) = Open(generator, manifestPath, split, seed);
        var predictions = new Dictionary<string, string>();
        var references = new Dictionary<string, string>();
        foreach (var batch in source.Epoch(0))
        {
            using (batch)
            {
                var texts = generator.Generate(batch.Images, batch.ImagePresent, useReportLabels ? batch.Labels : null);
                var targets = ReportTraining.TargetTexts(batch, generator.Vocabulary);
                for (var i = 0; i < texts.Count; i++)
                {
                    predictions[batch.StudyIds[i]] = texts[i];
                    references[batch.StudyIds[i]] = targets[i];
                }
            }
        }
        return Score(predictions, references);
    }

    /// <summary>The nearest-neighbour retrieval baseline with the generator's visual extractor as the image feature.</summary>
    public static ReportEvaluationResult NearestNeighbour(ReportGenerator generator, string manifestPath, string split, int seed)
    {
        var (_, trainSource, _) = Open(generator, manifestPath, generator.Config.Data.TrainSplit, seed);
        var (trainFeatures, trainTexts, _) = Features(generator, trainSource);
        var (_, testSource, _) = Open(generator, manifestPath, split, seed);
        var (testFeatures, testTexts, testIds) = Features(generator, testSource);
        using var scope = NewDisposeScope();
        var nearest = testFeatures.matmul(trainFeatures.t()).argmax(1).data<long>().ToArray();
        var predictions = new Dictionary<string, string>();
        var references = new Dictionary<string, string>();
        for (var i = 0; i < testIds.Count; i++)
        {
            predictions[testIds[i]] = trainTexts[(int)nearest[i]];
            references[testIds[i]] = testTexts[i];
        }
        trainFeatures.Dispose();
        testFeatures.Dispose();
        return Score(predictions, references);
    }

    public static ReportEvaluationResult Score(IReadOnlyDictionary<string, string> predictions, IReadOnlyDictionary<string, string> references)
    {
        var samples = references.Select(r => new NlgSample(r.Key, predictions[r.Key], [r.Value])).ToList();
        var nlg = NlgEvaluator.Evaluate(samples);
        var labeler = ChexpertLabeler.FromDataRoot();
        var pairs = samples.AsParallel().AsOrdered().WithDegreeOfParallelism(2)
            .Select(s => (labeler.Label(s.References[0]), labeler.Label(s.Prediction))).ToList();
        return new ReportEvaluationResult(predictions, references, nlg, ClinicalEfficacy.Compute(pairs));
    }

    private static (ReportDataset Dataset, ReportSource Source, int Rows) Open(ReportGenerator generator, string manifestPath, string split, int seed)
    {
        var dataset = ReportDataset.Open(manifestPath, generator.Config.Data);
        var rows = dataset.Rows(split).Kept;
        if (rows.Count == 0)
            throw new CxrVLException($"'{manifestPath}' has no study with an image and text in split '{split}'.");
        var labels = dataset.Labels(rows, ChexpertLabeler.FromDataRoot());
        var source = dataset.Source(rows, labels, generator.Vocabulary, generator.Config.Decoding.BatchSize, train: false, seed, generator.Device);
        return (dataset, source, rows.Count);
    }

    private static (Tensor Features, List<string> Texts, List<string> Ids) Features(ReportGenerator generator, ReportSource source)
    {
        var features = new List<Tensor>();
        var texts = new List<string>();
        var ids = new List<string>();
        using var noGrad = no_grad();
        foreach (var batch in source.Epoch(0))
        {
            using (batch)
            using (NewDisposeScope())
            {
                features.Add(nn.functional.normalize(generator.Model.PooledFeatures(batch.Images, batch.ImagePresent), dim: 1).cpu().MoveToOuterDisposeScope());
                texts.AddRange(ReportTraining.TargetTexts(batch, generator.Vocabulary));
                ids.AddRange(batch.StudyIds);
            }
        }
        var all = cat(features, 0);
        features.ForEach(f => f.Dispose());
        return (all, texts, ids);
    }
}
