namespace CxrVL.Training;

/// <summary>What the trainer does with a batch whose loss (or one of its terms) or gradient norm is NaN or infinite.</summary>
public enum NonfiniteAction
{
    /// <summary>Stop the run with a <see cref="TrainingDivergedException"/> naming the step, the terms and the last good checkpoint.</summary>
    Error,

    /// <summary>
    /// Drop the batch (no optimizer step, no post-step hooks, buffers as before it) and go on; the run still stops once
    /// more than <see cref="TrainingConfig.MaxNonfiniteSkips"/> batches were dropped.
    /// </summary>
    Skip,
}
