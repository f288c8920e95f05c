using CxrVL.Training.Distributed;
using CxrVL.Training.Optimizers;
using CxrVL.Training.Schedules;

namespace CxrVL.Training;

/// <summary>The <c>train:</c> section every method's recipe shares.</summary>
public sealed class TrainingConfig
{
    /// <summary>Epochs of the whole run when <see cref="Stages"/> is empty.</summary>
    public int Epochs { get; set; } = 1;

    /// <summary>
    /// Plans the run for at most this many optimizer steps: schedules (and stages, proportionally) are fitted to it,
    /// so a short run still warms up and decays.
    /// </summary>
    public long? MaxSteps { get; set; }

    /// <summary>Wall-clock budget: training stops (with a checkpoint) at the first step after it.</summary>
    public double? Minutes { get; set; }

    public int BatchSize { get; set; } = 16;

    /// <summary>Micro-batches per optimizer step; the effective batch is batch_size x this.</summary>
    public int AccumulateGradBatches { get; set; } = 1;

    public double? ClipGradNorm { get; set; }

    public OptimizerConfig Optimizer { get; set; } = new();

    public ScheduleConfig Schedule { get; set; } = new();

    /// <summary>Consecutive stages, each with its own optimizer and schedule (PRIOR trains in three).</summary>
    public List<StageConfig> Stages { get; set; } = [];

    public int LogEvery { get; set; } = 10;

    /// <summary>Validate every this many optimizer steps (and at the end); 0 validates only at the end.</summary>
    public long ValEvery { get; set; }

    public long CheckpointEvery { get; set; } = 500;

    /// <summary>Also checkpoint when this many minutes passed since the last checkpoint, so a killed run loses little.</summary>
    public double CheckpointMinutes { get; set; } = 10;

    public int KeepLast { get; set; } = 2;

    public bool KeepBest { get; set; } = true;

    /// <summary>Validation metric that selects the best checkpoint and drives early stopping.</summary>
    public string Monitor { get; set; } = "val_loss";

    public MetricGoal MonitorGoal { get; set; } = MetricGoal.Min;

    /// <summary>Validations without improvement before stopping; 0 never stops early.</summary>
    public int Patience { get; set; }

    public double? EmaDecay { get; set; }

    /// <summary>Data-parallel behaviour under <c>mpirun -np N</c>.</summary>
    public DistributedConfig Distributed { get; set; } = new();
}
