namespace CxrVL.Evaluation.Classification;

/// <summary>
/// Labels and scores of the same samples, joined by id (in the order of the labels file). Labels are 1, 0, -1 or
/// NaN (blank). The counts say what was skipped when skipping was asked for.
/// </summary>
public sealed record LabelScoreTable(IReadOnlyList<string> Ids, IReadOnlyList<string> LabelNames, double[,] Scores, double[,] Labels)
{
    /// <summary>Ids in the labels file without a row in the scores file (skipped).</summary>
    public int IdsOnlyInLabels { get; init; }

    /// <summary>Ids in the scores file without a row in the labels file (skipped).</summary>
    public int IdsOnlyInScores { get; init; }

    /// <summary>Rows skipped for a bad value, a wrong number of fields or a repeated id.</summary>
    public int BadRows { get; init; }

    /// <summary>Score columns with no label column of the same name; they are not evaluated.</summary>
    public IReadOnlyList<string> IgnoredScoreColumns { get; init; } = [];
}
