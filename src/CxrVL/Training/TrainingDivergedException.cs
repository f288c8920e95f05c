namespace CxrVL.Training;

/// <summary>
/// A run met a NaN or infinite loss or gradient norm and stopped without saving the diverged state. The message names
/// the step, the terms and the last good checkpoint; <see cref="Result"/> is the typed outcome for callers that report
/// the run (as diverged, never with numbers from its model).
/// </summary>
public sealed class TrainingDivergedException : CxrVLException
{
    public TrainingDivergedException(TrainingResult result)
        : base(result.Divergence?.Message ?? throw new ArgumentException("a diverged result carries its divergence.", nameof(result)))
    {
        Result = result;
    }

    public TrainingResult Result { get; }

    public TrainingDivergence Divergence => Result.Divergence!;
}
