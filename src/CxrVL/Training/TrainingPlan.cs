using CxrVL.Training.Optimizers;
using CxrVL.Training.Schedules;

namespace CxrVL.Training;

/// <summary>One stage as it will run: its length in optimizer steps and its resolved optimizer, schedule and loss weights.</summary>
public sealed record PlannedStage(
    int Index,
    string Name,
    long Steps,
    OptimizerConfig Optimizer,
    ScheduleConfig Schedule,
    IReadOnlyDictionary<string, double> LossWeights);

/// <summary>Turns a <see cref="TrainingConfig"/> and the data size into stages measured in optimizer steps.</summary>
public static class TrainingPlan
{
    public static IReadOnlyList<PlannedStage> Create(TrainingConfig config, int batchesPerEpoch)
    {
        if (config.AccumulateGradBatches < 1)
            throw new CxrVLException($"train.accumulate_grad_batches must be at least 1 (got {config.AccumulateGradBatches}).");
        if (config.MaxNonfiniteSkips < 0)
            throw new CxrVLException($"train.max_nonfinite_skips must be 0 or more (got {config.MaxNonfiniteSkips}).");
        if (config.MinValidations < 0)
            throw new CxrVLException($"train.min_validations must be 0 or more (got {config.MinValidations}).");
        if (config.ValEveryEpochs > 0 && config.ValEvery > 0)
            throw new CxrVLException("train.val_every (steps) and train.val_every_epochs both set: keep one.");
        var stepsPerEpoch = StepsPerEpoch(config, batchesPerEpoch);
        var stages = config.Stages.Count > 0
            ? config.Stages
            : [new StageConfig { Name = "train", Epochs = config.Epochs }];

        var planned = stages.Select(s => (long)s.Epochs * stepsPerEpoch).ToArray();
        if (planned.Any(p => p < 1))
            throw new CxrVLException("every stage needs at least one epoch.");
        var total = planned.Sum();
        if (config.MaxSteps is { } maxSteps && maxSteps < total)
        {
            if (maxSteps < stages.Count)
                throw new CxrVLException($"train.max_steps={maxSteps} leaves no step for some of the {stages.Count} stages.");
            // Keep each stage's share of the run, so a short run still passes through every stage.
            var scaled = planned.Select(p => Math.Max(1, (long)Math.Floor((double)p * maxSteps / total))).ToArray();
            scaled[^1] += maxSteps - scaled.Sum();
            planned = scaled;
        }

        return stages.Select((stage, i) => new PlannedStage(
            i,
            string.IsNullOrEmpty(stage.Name) ? $"stage{i + 1}" : stage.Name,
            planned[i],
            stage.Optimizer ?? config.Optimizer,
            (stage.Schedule ?? config.Schedule).ForEpochs(stage.Epochs, stepsPerEpoch),
            stage.LossWeights)).ToList();
    }

    /// <summary>Optimizer steps in one pass over the data.</summary>
    public static long StepsPerEpoch(TrainingConfig config, int batchesPerEpoch)
    {
        if (batchesPerEpoch < 1)
            throw new CxrVLException("the training data holds no complete batch: lower train.batch_size or add data.");
        return Math.Max(1, batchesPerEpoch / config.AccumulateGradBatches);
    }

    /// <summary>Optimizer steps between validations: <see cref="TrainingConfig.ValEveryEpochs"/> epochs, else <see cref="TrainingConfig.ValEvery"/>.</summary>
    public static long ValidationInterval(TrainingConfig config, int batchesPerEpoch) =>
        config.ValEveryEpochs > 0 ? config.ValEveryEpochs * StepsPerEpoch(config, batchesPerEpoch) : config.ValEvery;
}
