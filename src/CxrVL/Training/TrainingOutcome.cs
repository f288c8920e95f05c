namespace CxrVL.Training;

/// <summary>Why a <see cref="Trainer{TBatch}.Fit"/> call stopped; <see cref="TrainingResult.StopReason"/> says it in words.</summary>
public enum TrainingOutcome
{
    /// <summary>Every planned step ran.</summary>
    Completed,

    /// <summary>The monitored validation metric stopped improving (after the minimum number of validations).</summary>
    EarlyStopped,

    /// <summary>The wall-clock budget (<c>train.minutes</c>) ran out.</summary>
    TimeBudget,

    /// <summary>The caller's cancellation token (Ctrl+C) stopped the run after a step, with a checkpoint.</summary>
    Cancelled,

    /// <summary>A loss or gradient norm was not finite (<see cref="TrainingResult.Divergence"/> says where); nothing was saved after it.</summary>
    Diverged,
}
