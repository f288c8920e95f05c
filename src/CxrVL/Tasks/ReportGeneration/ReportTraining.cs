using CxrVL.Configuration;
using CxrVL.Evaluation.Labeling;
using CxrVL.Evaluation.Nlg;
using CxrVL.Evaluation.Nlg.Meteor;
using CxrVL.Generation;
using CxrVL.Generation.Decoding;
using CxrVL.Methods.XProNet;
using CxrVL.Runs;
using CxrVL.Runtime;
using CxrVL.Text;
using CxrVL.Training;
using CxrVL.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>Result of <see cref="ReportTraining.Run"/>.</summary>
public sealed record ReportTrainingResult(TrainingResult Training, int TrainStudies, int ValStudies, int Vocabulary, string Summary);

/// <summary>
/// <c>cxrvl rrg train</c> as one library call: the word vocabulary of the training reports (saved in the run folder as
/// <c>vocabulary.json</c>, so a checkpoint needs nothing else), labels, prototype initialisation, the shared trainer
/// with validation loss and the decoded reports' BLEU, ROUGE-L, CIDEr-D and METEOR.
/// </summary>
public static class ReportTraining
{
    public const string VocabularyFile = "vocabulary.json";

    /// <summary>
    /// The validation metric XProNet's trainer selects its best checkpoint on since 2022-07 (<c>trainer.py</c>:
    /// <c>val_BLEU_4 + 0.33 * val_BLEU_1 + 0.67 * val_METEOR</c>).
    /// </summary>
    public const string XProNetSelectionMetric = "val_xpronet_selection";

    /// <param name="initWeights">a whole released XProNet / R2Gen model (or a CxrVL run's) to start from (<c>--init</c>)</param>
    public static ReportTrainingResult Run(RrgConfig config, string manifestPath, RunFolder run, RuntimeContext runtime,
                                           string? resumeFrom = null, CancellationToken cancellation = default, string? initWeights = null)
    {
        ConfigValidator.Validate(config);
        if (initWeights is not null && config.Model.VisualExtractorInit is not null)
            throw new CxrVLException("--init loads the whole model, visual extractor included: drop model.visual_extractor_init (or --init).");
        // The visual extractor's blocks per stage follow its initial weights; the run's config.yaml records them.
        var visualInit = resumeFrom is null ? ReportModelInit.ReadVisualExtractor(config.Model, runtime.Seed) : null;
        if (visualInit is not null)
            run.WriteConfig(config);
        var dataset = ReportDataset.Open(manifestPath, config.Data);
        var trainFilter = dataset.Rows(config.Data.TrainSplit);
        var validate = !string.IsNullOrEmpty(config.Data.ValSplit);
        var valFilter = validate ? dataset.Rows(config.Data.ValSplit!) : null;
        var (train, val) = (trainFilter.Kept, valFilter?.Kept ?? []);
        if (train.Count == 0)
            throw new CxrVLException($"'{manifestPath}' has no study with an image and text in sections {string.Join(", ", config.Data.ReportSections)} " +
                                     $"(data.report_sections) in split '{config.Data.TrainSplit}' (data.train_split).");
        run.Log.Info(trainFilter.Describe(config.Data.TrainSplit));
        if (valFilter is not null)
            run.Log.Info(valFilter.Describe(config.Data.ValSplit!));

        var vocabularyPath = run.File(VocabularyFile);
        var vocabulary = resumeFrom is not null && File.Exists(vocabularyPath)
            ? WordVocabulary.Load(vocabularyPath)
            : WordVocabulary.Build(train.Select(dataset.TargetText), config.Data.VocabThreshold);
        vocabulary.Save(vocabularyPath);
        var labeler = ChexpertLabeler.FromDataRoot();
        var trainLabels = dataset.Labels(train, labeler);
        var valLabels = dataset.Labels(val, labeler);
        run.Log.Info($"vocabulary: {vocabulary.VocabularySize - 1} words (threshold {config.Data.VocabThreshold}); labels " +
                     (config.Data.LabelsFile is { } labelsFile ? $"from {labelsFile}" : "from the CheXpert labeler on the target text"));
        if (config.Model is XProNetConfig xpronetConfig && trainLabels.Count > 0 && trainLabels[0].Length != xpronetConfig.NumClasses)
            throw new CxrVLException($"the labels have {trainLabels[0].Length} classes; model.num_classes is {xpronetConfig.NumClasses}.");

        using var method = ReportGenerationMethods.Create(config.Model, vocabulary.VocabularySize, dataset.Views);
        if (visualInit is not null)
        {
            run.Log.Info(ReportModelInit.LoadVisualExtractor(method, visualInit, config.Model.VisualExtractorInit!));
            visualInit.Module.Dispose();
        }
        if (resumeFrom is null && initWeights is not null)
            ReportModelInit.LoadModel(method, initWeights, vocabulary.VocabularySize, run.Log);
        method.Model.to(runtime.Device);
        var trainSource = dataset.Source(train, trainLabels, vocabulary, config.Train.BatchSize, train: true, runtime.Seed, runtime.Device);
        var valSource = val.Count == 0 ? null : dataset.Source(val, valLabels, vocabulary, config.Train.BatchSize, train: false, runtime.Seed, runtime.Device);
        // A released model brings its prototypes.
        if (resumeFrom is null && initWeights is null && method is XProNetModel xpronet)
            InitializePrototypes(xpronet, config, dataset, train, trainLabels, vocabulary, runtime, run.Log);
        run.Log.Info($"{config.Method}: {train.Count} training studies ({trainSource.BatchesPerEpoch} batches per epoch), {val.Count} validation studies, device {runtime.Device}");

        var meteor = MeteorScorer.ForEnglish(null, null, out var meteorSkipped);
        run.Log.Info($"validation METEOR modules: {string.Join(", ", meteor.Modules).ToLowerInvariant()}" +
                     (meteorSkipped is null ? "" : $" ({meteorSkipped})"));
        var trainer = new Trainer<ReportBatch>(config.Train, run, runtime.Seed, run.Log.Console);
        var result = trainer.Fit(method, trainSource, valSource is null ? null : () => Validate(method, valSource, vocabulary, config.Decoding, meteor),
                                 resumeFrom, cancellation);
        LossCurvePlot.Write(run.Metrics.Path, run.File("loss.png"));
        var summary = $"{result.StopReason} after {result.Steps} steps; last checkpoint {result.LastCheckpoint}" +
                      (trainSource.Stats.Skips > 0 ? $"; skipped bad rows: {trainSource.Stats.Summary()}" : "");
        run.Log.Info(summary);
        return new ReportTrainingResult(result, train.Count, val.Count, vocabulary.VocabularySize - 1, summary);
    }

    /// <summary>
    /// Validation: mean loss terms (teacher forcing) and BLEU-1..4, ROUGE-L, CIDEr, METEOR of reports decoded as the recipe
    /// says (<see cref="DecodingConfig.ValidationStrategy"/>) against the targets, with the labels of the image
    /// classifier, and XProNet's selection metric.
    /// </summary>
    private static IReadOnlyDictionary<string, double> Validate(IReportModel method, ReportSource source, WordVocabulary vocabulary,
                                                                DecodingConfig decoding, MeteorScorer meteor)
    {
        var validation = new DecodingConfig
        {
            Strategy = decoding.ValidationStrategy ?? decoding.Strategy, BeamSize = decoding.BeamSize, MaxLength = decoding.MaxLength,
            MinLength = decoding.MinLength, BlockTrigrams = decoding.BlockTrigrams, Temperature = decoding.Temperature, BatchSize = decoding.BatchSize,
        };
        var progress = new TrainingProgress(0, "validation", 0, 0, 1, 0, new Dictionary<string, double>());
        var (total, count) = (0.0, 0);
        var samples = new List<NlgSample>();
        foreach (var batch in source.Epoch(0))
        {
            using (batch)
            using (NewDisposeScope())
            {
                total += method.Loss(batch, progress).Total.ToDouble() * batch.Size;
                count += (int)batch.Size;
                using var context = method.Encode(batch.Images, batch.ImagePresent, null);
                var decoded = SequenceDecoder.Decode(context, validation);
                var targets = TargetTexts(batch, vocabulary);
                for (var i = 0; i < decoded.Count; i++)
                    samples.Add(new NlgSample(batch.StudyIds[i], vocabulary.Decode(decoded[i].Words), [targets[i]]));
            }
        }
        var metrics = new Dictionary<string, double> { ["val_loss"] = count == 0 ? double.NaN : total / count };
        if (samples.Count > 0)
        {
            foreach (var (name, value) in NlgEvaluator.Evaluate(samples, meteor: meteor).ToDictionary())
                metrics["val_" + name] = value;
            metrics[XProNetSelectionMetric] = metrics["val_BLEU_4"] + 0.33 * metrics["val_BLEU_1"] + 0.67 * metrics["val_METEOR"];
        }
        return metrics;
    }

    /// <summary>The batch's reference texts as the model sees them: the target ids decoded (R2Gen scores against these).</summary>
    public static IReadOnlyList<string> TargetTexts(ReportBatch batch, WordVocabulary vocabulary)
    {
        var ids = batch.Targets.cpu().data<long>().ToArray();
        var length = (int)batch.Targets.shape[1];
        return Enumerable.Range(0, (int)batch.Size)
            .Select(i => vocabulary.Decode(ids.Skip(i * length + 1).Take(length - 1).Select(v => (int)v)))
            .ToList();
    }

    private static void InitializePrototypes(XProNetModel model, RrgConfig config, ReportDataset dataset, IReadOnlyList<Data.Manifest.ManifestRow> train,
                                             IReadOnlyList<float[]> labels, WordVocabulary vocabulary, RuntimeContext runtime, RunLog log)
    {
        var init = model.Config.PrototypeInit;
        Tensor values;
        if (init.Equals("random", StringComparison.OrdinalIgnoreCase))
        {
            log.Info("prototypes: random initialisation");
            return;
        }
        if (init.Equals("kmeans", StringComparison.OrdinalIgnoreCase))
        {
            var source = dataset.Source(train, labels, vocabulary, config.Train.BatchSize, train: false, runtime.Seed, runtime.Device);
            values = PrototypeInitializer.Compute(model, source, model.Config, vocabulary.VocabularySize, runtime.Seed);
            log.Info($"prototypes: K-means per class over {train.Count} training studies");
        }
        else
        {
            if (!File.Exists(init))
                throw new CxrVLException($"model.prototype_init '{init}' is neither kmeans, random nor an existing file (from 'cxrvl rrg init-prototypes', or XProNet's init_prototypes.pt).");
            var stored = PrototypeFile.Read(init);
            values = stored.to_type(model.Prototypes.dtype);
            if (!ReferenceEquals(values, stored))
                stored.Dispose();
            log.Info($"prototypes: loaded from {init}");
        }
        using (values)
        {
            if (!values.shape.SequenceEqual(model.Prototypes.shape))
                throw new CxrVLException($"the prototype matrix is [{string.Join(", ", values.shape)}]; this model needs [{string.Join(", ", model.Prototypes.shape)}] " +
                                         "(model.num_classes x model.num_prototypes, image feature width + model.d_txt).");
            using var noGrad = no_grad();
            model.Prototypes.copy_(values);
        }
    }
}
