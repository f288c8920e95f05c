namespace CxrVL.Evaluation.Classification;

/// <summary>
/// Test-fold assignment of scikit-learn's <c>StratifiedKFold(k)</c> without shuffling (what <c>cross_val_score(cv=k)</c>
/// uses for a classifier): classes in order of first appearance, the sorted labels dealt round-robin to fix how many of
/// each class every fold holds, and each class's samples filling its folds in order.
/// </summary>
public static class StratifiedFolds
{
    /// <returns>The test fold (0 to k - 1) of every sample.</returns>
    public static int[] Assign(IReadOnlyList<int> labels, int folds)
    {
        if (folds < 2)
            throw new CxrVLException($"cross-validation needs at least 2 folds (got {folds}).");
        if (folds > labels.Count)
            throw new CxrVLException($"cannot split {labels.Count} samples into {folds} folds.");
        var order = labels.Distinct().ToList();
        var encoded = labels.Select(l => order.IndexOf(l)).ToArray();
        var counts = order.Select((_, k) => encoded.Count(e => e == k)).ToArray();
        if (counts.All(n => n < folds))
            throw new CxrVLException($"every class has fewer than {folds} samples: use fewer folds.");
        var sorted = encoded.Order().ToArray();
        var allocation = new int[folds, order.Count];
        for (var i = 0; i < sorted.Length; i++)
            allocation[i % folds, sorted[i]]++;
        var result = new int[labels.Count];
        for (var k = 0; k < order.Count; k++)
        {
            var foldsForClass = Enumerable.Range(0, folds).SelectMany(f => Enumerable.Repeat(f, allocation[f, k])).ToArray();
            var next = 0;
            for (var i = 0; i < encoded.Length; i++)
                if (encoded[i] == k)
                    result[i] = foldsForClass[next++];
        }
        return result;
    }
}
