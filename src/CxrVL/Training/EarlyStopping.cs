namespace CxrVL.Training;

public enum MetricGoal
{
    Min,
    Max,
}

/// <summary>
/// Tracks a validation metric and says when it stopped improving for <c>patience</c> evaluations, never before
/// <c>minValidations</c> evaluations. A NaN or infinite value never counts as an improvement, so it never becomes the best.
/// </summary>
public sealed class EarlyStopping(MetricGoal goal, int patience, double minDelta = 0, int minValidations = 0)
{
    public double? Best { get; private set; }

    public int EvaluationsWithoutImprovement { get; private set; }

    /// <summary>Evaluations recorded so far, finite or not.</summary>
    public int Evaluations { get; private set; }

    public bool ShouldStop => patience > 0 && EvaluationsWithoutImprovement >= patience && Evaluations >= minValidations;

    /// <summary>Records one evaluation; true when it is the best so far.</summary>
    public bool Record(double value)
    {
        Evaluations++;
        if (!double.IsFinite(value))
        {
            EvaluationsWithoutImprovement++;
            return false;
        }
        var improved = Best is not { } best || (goal == MetricGoal.Min ? value < best - minDelta : value > best + minDelta);
        if (improved)
        {
            Best = value;
            EvaluationsWithoutImprovement = 0;
        }
        else
        {
            EvaluationsWithoutImprovement++;
        }
        return improved;
    }

    /// <summary>Restores the counters from a checkpoint.</summary>
    public void Restore(double? best, int evaluationsWithoutImprovement, int evaluations)
    {
        Best = best;
        EvaluationsWithoutImprovement = evaluationsWithoutImprovement;
        Evaluations = evaluations;
    }
}
