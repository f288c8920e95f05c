namespace CxrVL.Evaluation.Classification;

/// <summary>
/// Binary scores sorted once from highest to lowest, with runs of tied scores grouped. AUROC, average precision and
/// the curves then take one pass over the groups, also with per-sample weights (bootstrap resample counts), so a
/// bootstrap replicate costs O(n) instead of a new O(n log n) sort.
/// </summary>
internal sealed class RankedScores
{
    /// <summary>Sample index at each rank (rank 0 is the highest score).</summary>
    public int[] Order { get; }

    /// <summary>Tie group of each rank; groups are numbered from the highest score.</summary>
    public int[] GroupOfRank { get; }

    /// <summary>The score shared by each group.</summary>
    public double[] GroupScores { get; }

    public bool[] Positive { get; }

    private readonly bool[] _positiveAtRank;

    private RankedScores(int[] order, int[] groupOfRank, double[] groupScores, bool[] positive)
    {
        Order = order;
        GroupOfRank = groupOfRank;
        GroupScores = groupScores;
        Positive = positive;
        _positiveAtRank = order.Select(i => positive[i]).ToArray();
    }

    public int GroupCount => GroupScores.Length;

    public static RankedScores Create(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive)
    {
        if (scores.Length != positive.Length)
            throw new ArgumentException($"{scores.Length} scores but {positive.Length} labels.");
        var keys = new double[scores.Length];
        var order = new int[scores.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            if (!double.IsFinite(scores[i]))
                throw new ArgumentException($"score {i} is {scores[i]}; scores must be finite numbers.");
            // Negated so an ascending sort puts the highest score first; +0.0 turns -0.0 into 0.0 so both tie.
            keys[i] = -scores[i] + 0.0;
            order[i] = i;
        }
        Array.Sort(keys, order);

        var groupOfRank = new int[keys.Length];
        var groupScores = new List<double>();
        for (var rank = 0; rank < keys.Length; rank++)
        {
            if (rank == 0 || keys[rank] != keys[rank - 1])
                groupScores.Add(-keys[rank]);
            groupOfRank[rank] = groupScores.Count - 1;
        }
        return new RankedScores(order, groupOfRank, groupScores.ToArray(), positive.ToArray());
    }

    /// <summary>
    /// Positive and negative counts per tie group, each sample counted <paramref name="weights"/>[sample] times
    /// (once when null).
    /// </summary>
    public void CountGroups(int[]? weights, long[] positives, long[] negatives) =>
        CountGroups(weights, Order, positives, negatives);

    /// <summary>
    /// As <see cref="CountGroups(int[], long[], long[])"/>, with the weight of the sample at each rank read from
    /// <paramref name="weights"/>[<paramref name="weightIndexAtRank"/>[rank]] (for bootstrap counts kept per image
    /// when this ranking covers a subset of the images).
    /// </summary>
    public void CountGroups(int[]? weights, int[] weightIndexAtRank, long[] positives, long[] negatives)
    {
        Array.Clear(positives);
        Array.Clear(negatives);
        for (var rank = 0; rank < Order.Length; rank++)
        {
            var weight = weights is null ? 1 : weights[weightIndexAtRank[rank]];
            if (_positiveAtRank[rank])
                positives[GroupOfRank[rank]] += weight;
            else
                negatives[GroupOfRank[rank]] += weight;
        }
    }

    /// <summary>
    /// The Mann-Whitney statistic over n_pos * n_neg: each (positive, negative) pair scores 1 when the positive is
    /// higher and 1/2 when tied. Counted as twice U in integers, so the only rounding is the final division.
    /// NaN without both classes.
    /// </summary>
    public static double Auroc(ReadOnlySpan<long> positives, ReadOnlySpan<long> negatives)
    {
        long totalPositives = 0, totalNegatives = 0, twiceU = 0;
        for (var g = 0; g < positives.Length; g++)
        {
            twiceU += negatives[g] * (2 * totalPositives + positives[g]);
            totalPositives += positives[g];
            totalNegatives += negatives[g];
        }
        if (totalPositives == 0 || totalNegatives == 0)
            return double.NaN;
        return twiceU / (2.0 * totalPositives * totalNegatives);
    }

    /// <summary>
    /// sklearn's average_precision_score: the sum over distinct thresholds, from the highest, of
    /// (R_k - R_(k-1)) * P_k, with no interpolation. NaN without positives.
    /// </summary>
    public static double AveragePrecision(ReadOnlySpan<long> positives, ReadOnlySpan<long> negatives)
    {
        long totalPositives = 0;
        foreach (var p in positives)
            totalPositives += p;
        if (totalPositives == 0)
            return double.NaN;
        double sum = 0, previousRecall = 0;
        long truePositives = 0, falsePositives = 0;
        for (var g = 0; g < positives.Length; g++)
        {
            if (positives[g] + negatives[g] == 0)
                continue;
            truePositives += positives[g];
            falsePositives += negatives[g];
            var recall = (double)truePositives / totalPositives;
            var precision = (double)truePositives / (truePositives + falsePositives);
            sum += (recall - previousRecall) * precision;
            previousRecall = recall;
        }
        return sum;
    }
}
