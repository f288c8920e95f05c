using CxrVL.Precision;
using CxrVL.Data.Loading;
using CxrVL.Data.Manifest;
using CxrVL.Files;
using CxrVL.Methods.Encoders;
using CxrVL.Runs;
using CxrVL.Runtime;
using CxrVL.Tasks.Retrieval;
using CxrVL.Text;
using CxrVL.Training;
using CxrVL.Training.Distributed;
using CxrVL.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Pretraining;

/// <summary>Result of <see cref="Pretraining.Run"/>.</summary>
public sealed record PretrainingResult(TrainingResult Training, int TrainPairs, int ValPairs, string Summary);

/// <summary><c>cxrvl pretrain</c> as one library call: manifest rows, tokenizer, method, the shared trainer, plots.</summary>
public static class Pretraining
{
    /// <summary><paramref name="methods"/>: the catalog the recipe's method is found in (the built-in methods by default).</summary>
    public static PretrainingResult Run(PretrainConfig config, string manifestPath, RunFolder run, RuntimeContext runtime,
                                        string? resumeFrom = null, string? initWeights = null, CancellationToken cancellation = default,
                                        PretrainingMethods? methods = null)
    {
        methods ??= PretrainingMethods.BuiltIn;
        var ranks = runtime.Distributed;
        if (ReleasedBatch.Apply(config.Train, ranks.WorldSize) is { } batchStatement)
            run.Log.Info(batchStatement);
        methods.Validate(config, ranks.WorldSize);
        // A whole model's weights (--init) replace the encoders' own: the recipe's architecture takes them as they are.
        if (initWeights is not null && resumeFrom is null && (config.Model.Image.Init ?? config.Model.Text.Init) is not null)
        {
            run.Log.Info($"--init {initWeights}: the whole model starts from it, not from the recipe's model.image.init and model.text.init");
            (config.Model.Image.Init, config.Model.Text.Init) = (null, null);
        }
        // The encoders' sizes and tokenizer follow their initial weights; the run's config.yaml records the result.
        EncoderInit.Resolve(config.Model, run.Log.Console);
        run.WriteConfig(config);
        var (_, root, rows) = ManifestData.Open(manifestPath);
        run.Log.Info($"manifest {manifestPath}: {ManifestSplits.Describe(rows)}", echo: false);
        var trainFilter = PairFilter.Apply(rows.Where(config.Data.IsTrainRow), config.Data.ReportSections);
        var validate = !string.IsNullOrEmpty(config.Data.ValSplit);
        if (config.Data.TrainSplit == PretrainDataConfig.AllSplits)
        {
            if (validate)
                throw new CxrVLException($"data.train_split: {PretrainDataConfig.AllSplits} trains on every split, so validation on '{config.Data.ValSplit}' would score " +
                                         "rows the model trained on: set data.val_split to \"\" or name one training split.");
            run.Log.Info($"data.train_split: {PretrainDataConfig.AllSplits}: pretraining on every split of the manifest ({ManifestSplits.Describe(rows)}), test included, " +
                         "as PRIOR's builder does; downstream scores on this manifest's test split are then not held out from the encoder");
        }
        var valFilter = PairFilter.Apply(validate ? rows.Where(r => r.Split == config.Data.ValSplit) : [], config.Data.ReportSections);
        var tokenizer = PrepareTokenizer(config, trainFilter.Kept, run);
        var textConfig = Methods.Encoders.TextEncoder.Configure(config.Model.Text, tokenizer.VocabularySize);
        using var method = methods.Create(config.Model, textConfig);
        var reading = PairReading.Of(config.Data, methods);
        var reports = method.ReportBatcher(tokenizer, config.Model.Text.MaxLength);
        var (train, val) = (KeptBy(reports, trainFilter.Kept, config, run.Log), KeptBy(reports, valFilter.Kept, config, run.Log));
        // Validation keeps every pair, so its retrieval scores the split as `cxrvl retrieve` does.
        train = KeptByCleaner(train, config, methods, run.Log);
        if (train.Count == 0)
            throw new CxrVLException($"'{manifestPath}' has no image-report pair in split '{config.Data.TrainSplit}' (data.train_split) " +
                                     $"with text in sections {string.Join(", ", config.Data.ReportSections)} (data.report_sections).");
        run.Log.Info(trainFilter.Describe(config.Data.TrainSplit));
        if (validate)
            run.Log.Info(valFilter.Describe(config.Data.ValSplit!));

        method.Model.to(runtime.Device);
        if (resumeFrom is null && EncoderInit.Load(method, config.Model) is { } encoders)
            run.Log.Info($"initial weights: {encoders.Describe()}");
        if (initWeights is not null && LoadInit(method, initWeights, run.Log).Notes.Count > 0)
            run.WriteConfig(config);

        if (config.Train.BatchSize % ranks.WorldSize != 0)
            throw new CxrVLException($"train.batch_size {config.Train.BatchSize} is the global batch and must divide evenly among the {ranks.WorldSize} ranks: " +
                                     $"use a multiple of {ranks.WorldSize}.");
        var trainPairs = Source(method, train, root, config, tokenizer, train: true, runtime, reading, reports);
        var valPairs = val.Count == 0 ? null : Source(method, val, root, config, tokenizer, train: false, runtime, reading, reports);
        run.Log.Info($"{config.Method}: {train.Count} training rows ({trainPairs.BatchesPerEpoch} batches per epoch), {val.Count} validation rows, device {runtime.Device}" +
                     (ranks.WorldSize > 1 ? $", {ranks.WorldSize} ranks of {config.Train.BatchSize / ranks.WorldSize} samples per batch" : ""));
        if (trainPairs is SequenceSource sequences)
            run.Log.Info($"{config.Method}: {sequences.Sequences} training study sequences per patient and time order, {sequences.CompleteSequences} complete ({method.SequenceLength} studies), {sequences.BatchSize} per batch");

        var trainer = new Trainer<AlignmentBatch>(config.Train, run, runtime.Seed, run.Log.Console, ranks);
        // Validation is not sharded: every rank scores the whole split with the same weights and gets the same numbers.
        var result = trainer.Fit(method, trainPairs, valPairs is null ? null : () => Validate(method, valPairs, val, config.Data.ReportSections), resumeFrom, cancellation);
        if (ranks.IsMain)
            LossCurvePlot.Write(run.Metrics.Path, run.File("loss.png"));

        var skipped = trainPairs.Stats.Skips + (valPairs?.Stats.Skips ?? 0);
        var summary = $"{result.StopReason} after {result.Steps} steps; last checkpoint {result.LastCheckpoint}" +
                      (skipped > 0 ? $"; skipped bad rows: {trainPairs.Stats.Summary()}" : "");
        run.Log.Info(summary);
        return new PretrainingResult(result, train.Count, val.Count, summary);
    }

    /// <summary>Independent pairs, or whole study sequences for a method that learns from them (batch size then counts sequences).</summary>
    /// <summary>Training batches are sharded over the ranks of an mpirun job; validation is read whole by every rank.</summary>
    private static IPairBatchSource Source(IPretrainingMethod method, IReadOnlyList<ManifestRow> rows, string root, PretrainConfig config,
                                           ITextTokenizer tokenizer, bool train, RuntimeContext runtime,
                                           PairReading reading, IReportBatcher? reports)
    {
        var ranks = runtime.Distributed;
        DataShard? shard = train ? new DataShard(ranks.Rank, ranks.WorldSize) : null;
        if (method.SequenceLength > 0)
            return new SequenceSource(rows, root, config.Data, reading, tokenizer, config.Model.Text.MaxLength, method.SequenceLength,
                                      config.Train.BatchSize, train, runtime.Seed, runtime.Device, shard);
        return new PairSource(rows, root, config.Data, reading, tokenizer, config.Model.Text.MaxLength, config.Train.BatchSize, train,
                              runtime.Seed, runtime.Device, reports, shard);
    }

    /// <summary>The rows whose report the method can train on (PRIOR: enough sentences); the others are counted in the log.</summary>
    private static IReadOnlyList<ManifestRow> KeptBy(IReportBatcher? reports, IReadOnlyList<ManifestRow> rows, PretrainConfig config, RunLog log)
    {
        if (reports is null || rows.Count == 0)
            return rows;
        var kept = rows.Where(r => reports.Keeps(r.Report!.Join(config.Data.ReportSections)!)).ToList();
        if (kept.Count < rows.Count)
            log.Info($"{config.Method}: {rows.Count - kept.Count} of {rows.Count} reports left out (too few sentences for the method)");
        return kept;
    }

    /// <summary>
    /// The training rows whose report the cleaner keeps (MGCA and MedST train on captions of at least 3 words after
    /// cleaning); the others are counted in the log.
    /// </summary>
    private static IReadOnlyList<ManifestRow> KeptByCleaner(IReadOnlyList<ManifestRow> rows, PretrainConfig config, PretrainingMethods methods, RunLog log)
    {
        if (config.Data.Cleaner is not { } name || rows.Count == 0)
            return rows;
        var cleaner = methods.ReportCleaners.Create(name);
        var kept = rows.Where(r => cleaner.Clean(r.Report!.Join(config.Data.ReportSections)!).Kept).ToList();
        if (kept.Count < rows.Count)
            log.Info($"{config.Method}: {rows.Count - kept.Count} of {rows.Count} reports left out (too short after '{name}' cleaning, data.cleaner)");
        return kept;
    }

    /// <summary>
    /// Mean loss over the validation pairs, with the model in evaluation mode (BatchNorm running statistics), and for a
    /// joint image-report space their retrieval: <c>val_recall</c> is the mean of Recall@1/5/10 in both directions. On a
    /// small split the InfoNCE loss grows with overconfidence while the ranking still improves, so a run can monitor
    /// the ranking instead (<c>train.monitor: val_recall</c>, <c>train.monitor_goal: max</c>).
    /// </summary>
    private static IReadOnlyDictionary<string, double> Validate(IPretrainingMethod method, IPairBatchSource pairs, IReadOnlyList<ManifestRow> rows,
                                                                IReadOnlyList<string> sections)
    {
        var total = 0.0;
        var count = 0;
        var progress = new TrainingProgress(0, "validation", 0, 0, 1, 0, new Dictionary<string, double>());
        var (images, texts, embedded) = (new List<Tensor>(), new List<Tensor>(), new List<ManifestRow>());
        try
        {
            foreach (var batch in pairs.Epoch(0))
            {
                using (batch)
                using (NewDisposeScope())
                {
                    total += method.Loss(batch, progress).Total.ToDouble() * batch.Size;
                    count += (int)batch.Size;
                    if (!method.EmbedsTexts)
                        continue;
                    // Under a mixed train.precision the embeddings may be 16-bit; retrieval scores float32 ones.
                    images.Add(Autocast.Float32(method.EmbedImages(batch.Images)).MoveToOuterDisposeScope());
                    texts.Add(Autocast.Float32(method.EmbedTexts(batch.Text)).MoveToOuterDisposeScope());
                    embedded.AddRange(batch.Rows.Select(i => rows[i]));
                }
            }
            var metrics = new Dictionary<string, double> { ["val_loss"] = count == 0 ? double.NaN : total / count };
            if (embedded.Count > 1)
            {
                using var pairEmbeddings = new PairEmbeddings(cat(images), cat(texts), embedded);
                var retrieval = RetrievalEvaluation.Evaluate(pairEmbeddings, embedded.Select(r => r.Report!.Join(sections) ?? "").ToList());
                metrics["val_recall"] = retrieval.MeanRecall;
            }
            return metrics;
        }
        finally
        {
            images.ForEach(t => t.Dispose());
            texts.ForEach(t => t.Dispose());
        }
    }

    /// <summary>Initial weights (an ImageNet or official checkpoint): strict by default, so nothing is silently dropped.</summary>
    /// <remarks>A setting the weights selected (<see cref="LoadReport.Notes"/>) is logged; the caller records it in the run's config.</remarks>
    private static LoadReport LoadInit(IPretrainingMethod method, string path, RunLog log)
    {
        using var weights = CheckpointReader.Read(path);
        var report = method.Initialise(weights, path);
        log.Info($"initialised from {path}: {report.Describe()}");
        foreach (var note in report.Notes)
            log.Info(note);
        return report;
    }

    /// <summary>
    /// The recipe's tokenizer, or (with <c>model.text.train_vocabulary</c>) a WordPiece vocabulary trained on the training
    /// reports and kept in the run folder; a resumed run reuses the one it trained.
    /// </summary>
    private static ITextTokenizer PrepareTokenizer(PretrainConfig config, IReadOnlyList<ManifestRow> train, RunFolder run)
    {
        if (config.Model.Text.TrainVocabulary is not { } size)
            return PretrainedModel.LoadTokenizer(config, run.Path);
        var path = run.File(PretrainedModel.TrainedTokenizerFile);
        if (File.Exists(path))
            return Tokenizers.Load(path);
        var texts = train.Select(r => r.Report!.Join(config.Data.ReportSections)!).ToList();
        var tokenizer = WordPieceTrainer.Train(texts, new WordPieceTrainerOptions { VocabularySize = size });
        tokenizer.Save(path);
        run.Log.Info($"trained a WordPiece vocabulary of {tokenizer.VocabularySize} tokens (asked for {size}) on {texts.Count} training reports: {path}");
        return tokenizer;
    }

    /// <summary>A recipe's data path: absolute or existing as given, else under the data root.</summary>
    public static string ResolveDataPath(string path) =>
        Path.IsPathRooted(path) || File.Exists(path) || Directory.Exists(path) ? path : Path.Combine(DataRoots.Require(), path);
}
