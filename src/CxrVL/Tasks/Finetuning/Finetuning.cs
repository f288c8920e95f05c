using CxrVL.Imaging;
using System.Text.Json;
using System.Text.Json.Nodes;
using CxrVL.Configuration;
using CxrVL.Data.Loading;
using CxrVL.Data.Manifest;
using CxrVL.Evaluation.Classification;
using CxrVL.Models.Downstream;
using CxrVL.Runs;
using CxrVL.Runtime;
using CxrVL.Training;
using CxrVL.Training.Checkpoints;
using CxrVL.Training.Distributed;
using CxrVL.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Finetuning;

/// <summary>
/// <c>cxrvl finetune</c> as one library call: the task's rows and fraction (saved as split.csv), then for every seed an
/// encoder, a head, the shared trainer (validation each epoch, best checkpoint, early stopping) and the test evaluation
/// in <c>seed-N/</c>; metrics.json at the top holds every seed and the mean ± std. A seed whose training diverged is not
/// tested: its metrics.json and the result say at which step it diverged, and no mean ± std is reported.
/// </summary>
public static class Finetuning
{
    public static FinetuneResult Run(FinetuneConfig config, string manifestPath, RunFolder run, RuntimeContext runtime,
                                     CancellationToken cancellation = default)
    {
        ConfigValidator.Validate(config);
        if (ReleasedBatch.Apply(config.Train, runtime.Distributed.WorldSize) is { } batchStatement)
            run.Log.Info(batchStatement);
        var (_, root, rows) = ManifestData.Open(manifestPath);
        run.Log.Info($"manifest {manifestPath}: {ManifestSplits.Describe(rows)}", echo: false);
        var splits = FinetuneData.Prepare(rows, config);
        FinetuneData.WriteSplitFile(run.File("split.csv"), splits);
        run.Log.Info($"{config.Task.ToString().ToLowerInvariant()}: {splits.Train.Count} training rows ({splits.FractionSource}), {splits.Valid.Count} validation, " +
                     $"{splits.Test.Count} test" + (splits.Skipped.Count > 0 ? "; left out: " + string.Join(", ", splits.Skipped.Select(s => $"{s.Key} {s.Value}")) : ""));
        var train = config.Data.BalancedSampling ? FinetuneData.Balance(splits.Train) : splits.Train;

        var seeds = Enumerable.Range(runtime.Seed, config.Seeds).ToList();
        var ran = new List<int>();
        var evaluations = new List<TaskEvaluation>();
        var divergences = new List<SeedDivergence>();
        var perSeed = new JsonArray();
        foreach (var seed in seeds)
        {
            using var seedRun = RunFolder.Create($"seed-{seed}", Path.Combine(run.Path, $"seed-{seed}"), console: run.Log.Console);
            ran.Add(seed);
            try
            {
                var evaluation = RunSeed(config, splits, train, root, seedRun, runtime.Device, seed, cancellation);
                evaluations.Add(evaluation);
                perSeed.Add(evaluation.Metrics.DeepClone());
                run.Log.Info($"seed {seed}: " + string.Join(", ", evaluation.Headline.Select(h => $"{h.Key} {h.Value:0.0000}")));
            }
            catch (TrainingDivergedException e)
            {
                // The other seeds are independent runs and still say whether the recipe diverges for them too.
                var diverged = new SeedDivergence(seed, e.Divergence);
                divergences.Add(diverged);
                var metrics = Diverged(e.Result);
                AtomicFile.WriteAllText(seedRun.File("metrics.json"), metrics.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                perSeed.Add(metrics);
                run.Log.Info($"seed {seed}: {e.Message}", echo: false);
            }
            if (cancellation.IsCancellationRequested)
                break;
        }

        var summary = divergences.Count > 0
            ? new Dictionary<string, MeanStd>()
            : evaluations[0].Headline.Keys.ToDictionary(k => k, k => MeanStd.Of(evaluations.Select(e => e.Headline[k])));
        var json = new JsonObject
        {
            ["task"] = config.Task.ToString().ToLowerInvariant(),
            ["encoder"] = config.Encoder.Source,
            ["mode"] = config.Mode.ToString().ToLowerInvariant(),
            ["fraction"] = config.Data.Fraction,
            ["fraction_source"] = splits.FractionSource,
            ["labels"] = new JsonArray(Targets(config, splits).Select(l => (JsonNode)l).ToArray()),
            ["n_train"] = splits.Train.Count,
            ["n_valid"] = splits.Valid.Count,
            ["n_test"] = splits.Test.Count,
            ["seeds"] = new JsonArray(ran.Select(s => (JsonNode)s).ToArray()),
            ["summary"] = new JsonObject(summary.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)new JsonObject
            {
                ["mean"] = Number(s.Value.Mean),
                ["std"] = Number(s.Value.Std),
                ["n"] = s.Value.Count,
            }))),
            ["per_seed"] = perSeed,
        };
        if (divergences.Count > 0)
            json["diverged"] = new JsonArray(divergences.Select(d => (JsonNode)new JsonObject { ["seed"] = d.Seed, ["step"] = d.Divergence.Step }).ToArray());
        AtomicFile.WriteAllText(run.File("metrics.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var result = new FinetuneResult(splits, ran, evaluations, summary) { Divergences = divergences };
        run.Log.Info((divergences.Count > 0 ? "test: not run for a diverged seed, no mean ± std:" : "test, mean ± std over seeds:") + Environment.NewLine + result.Describe());
        return result;
    }

    private static TaskEvaluation RunSeed(FinetuneConfig config, FinetuneSplits splits, IReadOnlyList<ManifestRow> train, string root,
                                          RunFolder run, Device device, int seed, CancellationToken cancellation)
    {
        var encoder = EncoderLoader.Load(config.Encoder, device, seed);
        run.Log.Info($"encoder: {encoder.Description}, {config.Mode.ToString().ToLowerInvariant()}", echo: false);
        var targets = Targets(config, splits);
        var options = new StudyOptions
        {
            ImageRecipe = ImageRecipes.BuiltIn.Get(config.Data.ImageRecipe ?? encoder.ImageRecipe ?? "mgca"),
            RequireReport = false,
            Labels = config.Task == FinetuneTask.Classify ? targets.ToList() : [],
            MaskLabels = config.Task == FinetuneTask.Segment ? targets.ToList() : [],
            MaxBoxes = config.Task == FinetuneTask.Detect ? config.Data.MaxBoxes : 0,
            BoxLabels = config.Task == FinetuneTask.Detect ? targets.ToList() : [],
        };
        StudyBatches Batches(IReadOnlyList<ManifestRow> rows, bool training) =>
            new(rows, root, options, config.Train.BatchSize, training, config.Data.Workers, config.Data.SkipBad, seed, device);
        var (trainBatches, validBatches, testBatches) = (Batches(train, true), Batches(splits.Valid, false), Batches(splits.Test, false));

        var training = new EncoderTraining(new EncoderFeatures(encoder.Module, config.Encoder.VitBlocks), config.Mode, config.Encoder.FrozenStages);
        using var method = Create(config, training, targets.Count, splits.MultiClass);
        method.Model.to(device);
        Func<IReadOnlyDictionary<string, double>> validate = method switch
        {
            ClassificationMethod c => () => ClassificationEvaluation.Validate(c, validBatches, targets),
            SegmentationMethod s => () => SegmentationEvaluation.Validate(s, validBatches, config.Eval.MaskThreshold),
            DetectionMethod d => () => DetectionEvaluation.Validate(d, validBatches, config.Eval, targets.Count),
            _ => throw new InvalidOperationException(),
        };

        var trainConfig = Prepared(config.Train, training.FrozenPrefixes(), trainBatches.BatchesPerEpoch);
        var trainer = new Trainer<StudyBatch>(trainConfig, run, seed, run.Log.Console);
        TrainingResult result;
        try
        {
            result = trainer.Fit(method, trainBatches, validate, cancellation: cancellation);
        }
        catch (TrainingDivergedException)
        {
            // The curve up to the divergence is what shows it.
            LossCurvePlot.Write(run.Metrics.Path, run.File("loss.png"));
            throw;
        }
        LossCurvePlot.Write(run.Metrics.Path, run.File("loss.png"));
        if (result.BestCheckpoint is { } best)
        {
            using var weights = CheckpointReader.Read(CheckpointStore.ResolveWeights(best));
            StateDictLoader.Load(method.Model, weights);
            run.Log.Info($"testing the best checkpoint ({trainConfig.Monitor} {result.BestMetric:0.0000})", echo: false);
        }

        var evaluation = method switch
        {
            ClassificationMethod c => ClassificationEvaluation.Evaluate(c, validBatches, testBatches, targets, config.Eval, seed, run.Path),
            SegmentationMethod s => SegmentationEvaluation.Evaluate(s, testBatches, targets, config.Eval, seed, run.Path),
            DetectionMethod d => DetectionEvaluation.Evaluate(d, testBatches, targets, config.Eval, seed, run.Path),
            _ => throw new InvalidOperationException(),
        };
        evaluation.Metrics["training"] = new JsonObject
        {
            ["steps"] = result.Steps,
            ["stop_reason"] = result.StopReason,
            ["best_" + trainConfig.Monitor] = Number(result.BestMetric ?? double.NaN),
        };
        AtomicFile.WriteAllText(run.File("metrics.json"), evaluation.Metrics.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return evaluation;
    }

    /// <summary>A diverged seed's metrics.json: the step and the error, and no metric computed from its model.</summary>
    private static JsonObject Diverged(TrainingResult result) => new()
    {
        ["diverged_at_step"] = result.Divergence!.Step,
        ["error"] = result.Divergence.Message,
        ["training"] = new JsonObject
        {
            ["steps"] = result.Steps,
            ["stop_reason"] = result.StopReason,
            ["last_good_checkpoint"] = result.LastCheckpoint,
        },
    };

    private static ITrainingMethod<StudyBatch> Create(FinetuneConfig config, EncoderTraining training, int targets, bool multiClass) => config.Task switch
    {
        FinetuneTask.Classify => new ClassificationMethod(training, targets, multiClass, config.Head.Dropout, config.Head.InitStd),
        FinetuneTask.Segment => new SegmentationMethod(training, targets, config.Head),
        _ => new DetectionMethod(training, targets, config.Head),
    };

    private static IReadOnlyList<string> Targets(FinetuneConfig config, FinetuneSplits splits) => config.Task switch
    {
        FinetuneTask.Classify => splits.Classes,
        FinetuneTask.Segment => config.Data.MaskLabels,
        _ => config.Data.BoxLabels,
    };

    /// <summary>
    /// The training section with the encoder's frozen prefixes added to every optimizer (idempotent, so later seeds see
    /// the same) and validation once per epoch unless the recipe sets <c>train.val_every</c>.
    /// </summary>
    private static TrainingConfig Prepared(TrainingConfig train, IReadOnlyList<string> frozen, int batchesPerEpoch)
    {
        foreach (var optimizer in train.Stages.Select(s => s.Optimizer).Append(train.Optimizer))
        {
            if (optimizer is not null)
                optimizer.Frozen = optimizer.Frozen.Union(frozen).ToList();
        }
        if (train.ValEvery == 0 && train.ValEveryEpochs == 0)
            train.ValEvery = Math.Max(1, batchesPerEpoch / train.AccumulateGradBatches);
        return train;
    }

    private static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;
}
