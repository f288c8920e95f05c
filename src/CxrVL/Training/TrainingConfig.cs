using System.ComponentModel.DataAnnotations;
using CxrVL.Precision;
using CxrVL.Training.Distributed;
using CxrVL.Training.Optimizers;
using CxrVL.Training.Schedules;

namespace CxrVL.Training;

/// <summary>The <c>train:</c> section every method's recipe shares.</summary>
public sealed class TrainingConfig
{
    /// <summary>Epochs of the whole run when <see cref="Stages"/> is empty.</summary>
    [Range(1, int.MaxValue)]
    public int Epochs { get; set; } = 1;

    /// <summary>
    /// Plans the run for at most this many optimizer steps: schedules (and stages, proportionally) are fitted to it,
    /// so a short run still warms up and decays.
    /// </summary>
    [Range(typeof(long), "1", "9223372036854775807")]
    public long? MaxSteps { get; set; }

    /// <summary>Wall-clock budget: training stops (with a checkpoint) at the first step after it.</summary>
    [Range(0d, double.MaxValue, MinimumIsExclusive = true)]
    public double? Minutes { get; set; }

    [Range(1, int.MaxValue)]
    public int BatchSize { get; set; } = 16;

    /// <summary>Micro-batches per optimizer step; the effective batch is batch_size x this.</summary>
    [Range(1, int.MaxValue)]
    public int AccumulateGradBatches { get; set; } = 1;

    [Range(0d, double.MaxValue, MinimumIsExclusive = true)]
    public double? ClipGradNorm { get; set; }

    public OptimizerConfig Optimizer { get; set; } = new();

    public ScheduleConfig Schedule { get; set; } = new();

    /// <summary>Consecutive stages, each with its own optimizer and schedule (PRIOR trains in three).</summary>
    public List<StageConfig> Stages { get; set; } = [];

    [Range(1, int.MaxValue)]
    public int LogEvery { get; set; } = 10;

    /// <summary>Validate every this many optimizer steps (and at the end); 0 validates only at the end.</summary>
    [Range(typeof(long), "0", "9223372036854775807")]
    public long ValEvery { get; set; }

    /// <summary>Validate at the end of every this many epochs instead (XProNet and R2Gen validate every epoch); 0: use <see cref="ValEvery"/>.</summary>
    [Range(0, int.MaxValue)]
    public int ValEveryEpochs { get; set; }

    [Range(typeof(long), "0", "9223372036854775807")]
    public long CheckpointEvery { get; set; } = 500;

    /// <summary>Also checkpoint when this many minutes passed since the last checkpoint, so a killed run loses little.</summary>
    [Range(0d, double.MaxValue, MinimumIsExclusive = true)]
    public double CheckpointMinutes { get; set; } = 10;

    [Range(1, int.MaxValue)]
    public int KeepLast { get; set; } = 2;

    public bool KeepBest { get; set; } = true;

    /// <summary>Validation metric that selects the best checkpoint and drives early stopping.</summary>
    public string Monitor { get; set; } = "val_loss";

    public MetricGoal MonitorGoal { get; set; } = MetricGoal.Min;

    /// <summary>Validations without improvement before stopping; 0 never stops early.</summary>
    [Range(0, int.MaxValue)]
    public int Patience { get; set; }

    /// <summary>Early stopping never stops before this many validations, however the metric moves (0: no minimum).</summary>
    [Range(0, int.MaxValue)]
    public int MinValidations { get; set; }

    /// <summary>
    /// What a NaN or infinite loss, loss term or gradient norm does: <c>error</c> stops the run naming the step, the
    /// terms and the last good checkpoint; <c>skip</c> drops the batch and counts it (<c>nonfinite_skipped</c>).
    /// </summary>
    public NonfiniteAction Nonfinite { get; set; } = NonfiniteAction.Error;

    /// <summary>Under <c>nonfinite: skip</c>, the run still stops with the error at the first non-finite batch beyond this many.</summary>
    [Range(0, int.MaxValue)]
    public int MaxNonfiniteSkips { get; set; } = 10;

    /// <summary>
    /// The arithmetic of the forward pass and the loss: <c>fp32</c>, or <c>bf16-mixed</c> / <c>fp16-mixed</c> (products
    /// and convolutions in 16 bits, normalisation, softmax and losses in float32, as PyTorch's autocast). Weights,
    /// gradients, optimizer state and checkpoints stay float32 in every mode.
    /// </summary>
    public TrainingPrecision Precision { get; set; } = TrainingPrecision.Fp32;

    /// <summary>
    /// What <c>bf16-mixed</c> or <c>fp16-mixed</c> does on a CPU without that native arithmetic (<c>cxrvl env</c> tells):
    /// <c>run</c> trains in it anyway, slower than fp32, after one log line; <c>fp32</c> trains in float32 instead. GPUs always run it.
    /// </summary>
    public PrecisionFallback PrecisionFallback { get; set; } = PrecisionFallback.Run;

    /// <summary>fp16-mixed's dynamic loss scaling (torch.cuda.amp.GradScaler's rules and defaults); unused in the other precisions.</summary>
    public GradScalerConfig GradScaler { get; set; } = new();

    [Range(0d, 1d, MaximumIsExclusive = true)]
    public double? EmaDecay { get; set; }

    /// <summary>Data-parallel behaviour under <c>mpirun -np N</c>.</summary>
    public DistributedConfig Distributed { get; set; } = new();
}
