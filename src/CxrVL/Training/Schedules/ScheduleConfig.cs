using System.ComponentModel.DataAnnotations;

namespace CxrVL.Training.Schedules;

/// <summary>Shape of the learning-rate curve over optimizer steps.</summary>
public enum ScheduleKind
{
    /// <summary>The base rate throughout (after the optional warmup).</summary>
    Constant,

    /// <summary>Linear warmup, then half a cosine down to <see cref="ScheduleConfig.MinLr"/> at the last step (pl_bolts, MAE, MGCA).</summary>
    WarmupCosine,

    /// <summary>Linear warmup, then polynomial decay to <see cref="ScheduleConfig.MinLr"/> (MMSeg's poly).</summary>
    Poly,

    /// <summary>
    /// mmcv's PolyLrUpdaterHook with linear warmup (MMSeg's <c>policy='poly', warmup='linear'</c>): the poly curve
    /// (base - min)·(1 - step/total)^power + min runs over all steps, warmup included, and during the first
    /// <see cref="ScheduleConfig.WarmupSteps"/> it is multiplied by 1 - (1 - step/warmup)·(1 - <see cref="ScheduleConfig.WarmupRatio"/>).
    /// </summary>
    MmcvPoly,

    /// <summary>Multiply by <see cref="ScheduleConfig.Gamma"/> every <see cref="ScheduleConfig.StepSize"/> steps (StepLR).</summary>
    Step,
}

/// <summary>A per-step learning-rate schedule, as recipes write it.</summary>
public sealed class ScheduleConfig
{
    public ScheduleKind Kind { get; set; } = ScheduleKind.WarmupCosine;

    /// <summary>Warmup length in optimizer steps; used when <see cref="WarmupFraction"/> is not set.</summary>
    [Range(typeof(long), "0", "9223372036854775807")]
    public long WarmupSteps { get; set; }

    /// <summary>Warmup as a fraction of all steps (MGCA and MedST warm up for 40% of training).</summary>
    [Range(0d, 1d)]
    public double? WarmupFraction { get; set; }

    /// <summary>Warmup in epochs (MAE and MRM: 40 of 200); planned as that share of the stage's epochs, so a shortened run keeps it.</summary>
    [Range(0d, double.MaxValue)]
    public double? WarmupEpochs { get; set; }

    /// <summary>Learning rate at step 0 of the warmup (pl_bolts' warmup_start_lr; 0 for MAE).</summary>
    [Range(0d, double.MaxValue)]
    public double WarmupStartLr { get; set; }

    /// <summary><see cref="ScheduleKind.MmcvPoly"/>: the share of the curve's rate the warmup starts from (mmcv's warmup_ratio; MRM's SIIM: 1e-6).</summary>
    [Range(0d, 1d)]
    public double WarmupRatio { get; set; } = 0.1;

    /// <summary>Rate reached at the last step (eta_min / min_lr).</summary>
    [Range(0d, double.MaxValue)]
    public double MinLr { get; set; }

    [Range(0d, double.MaxValue, MinimumIsExclusive = true)]
    public double Power { get; set; } = 1.0;

    [Range(typeof(long), "1", "9223372036854775807")]
    public long StepSize { get; set; } = 1;

    /// <summary>The <see cref="ScheduleKind.Step"/> interval in epochs (XProNet's StepLR steps once per epoch count); replaces <see cref="StepSize"/>.</summary>
    [Range(1, int.MaxValue)]
    public int? StepSizeEpochs { get; set; }

    [Range(0d, double.MaxValue, MinimumIsExclusive = true)]
    public double Gamma { get; set; } = 0.1;

    /// <summary>
    /// This schedule for a stage of <paramref name="epochs"/> epochs of <paramref name="stepsPerEpoch"/> steps:
    /// <see cref="WarmupEpochs"/> becomes a warmup fraction, <see cref="StepSizeEpochs"/> a step size in steps.
    /// </summary>
    public ScheduleConfig ForEpochs(int epochs, long stepsPerEpoch)
    {
        if (WarmupEpochs is null && StepSizeEpochs is null)
            return this;
        var resolved = (ScheduleConfig)MemberwiseClone();
        if (WarmupEpochs is { } warmup)
        {
            if (warmup < 0 || warmup > epochs)
                throw new CxrVLException($"schedule.warmup_epochs {warmup} does not fit in {epochs} epochs.");
            resolved.WarmupFraction = warmup / epochs;
            resolved.WarmupEpochs = null;
        }
        if (StepSizeEpochs is { } stepEpochs)
        {
            resolved.StepSize = stepEpochs * stepsPerEpoch;
            resolved.StepSizeEpochs = null;
        }
        return resolved;
    }
}
