namespace CxrVL.Training;

public enum MetricGoal
{
    Min,
    Max,
}

/// <summary>Tracks a validation metric and says when it stopped improving for <c>patience</c> evaluations.</summary>
public sealed class EarlyStopping(MetricGoal goal, int patience, double minDelta = 0)
{
    public double? Best { get; private set; }

    public int EvaluationsWithoutImprovement { get; private set; }

    public bool ShouldStop => patience > 0 && EvaluationsWithoutImprovement >= patience;

    /// <summary>Records one evaluation; true when it is the best so far.</summary>
    public bool Record(double value)
    {
        if (double.IsNaN(value))
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
    public void Restore(double? best, int evaluationsWithoutImprovement)
    {
        Best = best;
        EvaluationsWithoutImprovement = evaluationsWithoutImprovement;
    }
}
