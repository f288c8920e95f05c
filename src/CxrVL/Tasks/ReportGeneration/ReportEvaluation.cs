using CxrVL.Evaluation.Labeling;
using CxrVL.Evaluation.Nlg;
using CxrVL.Evaluation.Reports;
using CxrVL.Precision;
using static TorchSharp.torch;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>
/// Scores a trained model on a split: reports decoded with the recipe's decoding, against the targets as the model sees
/// them (cleaned, truncated, vocabulary-decoded, as R2Gen scores), with every metric of <see cref="ReportScoring"/>
/// (BLEU/ROUGE-L/CIDEr-D, clinical efficacy with the recipe's labeler) and its bootstrap interval over the reports; and
/// the nearest-neighbour baseline: each test study gets the report of the training study whose pooled image feature is
/// most cosine-similar.
/// </summary>
public static class ReportEvaluation
{
    /// <param name="labelSource"><c>classifier</c> (default) or <c>report</c> (labels of the reference report: the seed's leak).</param>
    public static GeneratedReports Generate(ReportGenerator generator, string manifestPath, string split, string labelSource, int seed)
    {
        var useReportLabels = labelSource switch
        {
            "classifier" => false,
            "report" => true,
            _ => throw new CxrVLException($"unknown label source '{labelSource}': use classifier or report."),
        };
        var (_, source, _) = Open(generator, manifestPath, split, seed);
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
        return new GeneratedReports(split, generator.Config.Data.ReportSections, predictions, references);
    }

    /// <summary>The nearest-neighbour retrieval baseline with the generator's visual extractor as the image feature.</summary>
    public static GeneratedReports NearestNeighbour(ReportGenerator generator, string manifestPath, string split, int seed)
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
        return new GeneratedReports(split, generator.Config.Data.ReportSections, predictions, references);
    }

    /// <summary>
    /// Every metric of the reports with its bootstrap interval over them, clinical efficacy with <paramref name="labeler"/>
    /// (built before decoding, so a missing CheXbert checkpoint stops the command before its longest part).
    /// </summary>
    public static ReportEvaluationResult Score(GeneratedReports reports, IReportLabeler labeler, ReportScoringOptions options)
    {
        var samples = reports.References.Select(r => new NlgSample(r.Key, reports.Predictions[r.Key], [r.Value])).ToList();
        return new ReportEvaluationResult(reports, ReportScoring.Score(samples, labeler, options));
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
                features.Add(Autocast.Normalize(generator.Model.PooledFeatures(batch.Images, batch.ImagePresent), dim: 1).cpu().MoveToOuterDisposeScope());
                texts.AddRange(ReportTraining.TargetTexts(batch, generator.Vocabulary));
                ids.AddRange(batch.StudyIds);
            }
        }
        var all = cat(features, 0);
        features.ForEach(f => f.Dispose());
        return (all, texts, ids);
    }
}
