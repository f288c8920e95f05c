namespace CxrVL.Evaluation.Retrieval;

/// <summary>
/// Ranking metrics over a similarity matrix [queries, candidates]. Candidates are ranked by similarity, highest
/// first; ties go to the lower candidate index (a stable sort), so results do not depend on sort internals.
/// </summary>
public static class RetrievalMetrics
{
    /// <summary>
    /// Recall@K: the fraction of queries with at least one correct candidate among their K best-ranked ones.
    /// <paramref name="correct"/>[q] lists the correct candidates of query q (at least one).
    /// </summary>
    public static IReadOnlyDictionary<int, double> RecallAtK(double[,] similarity, IReadOnlyList<IReadOnlyCollection<int>> correct, IReadOnlyList<int> ks)
    {
        var queries = similarity.GetLength(0);
        if (correct.Count != queries)
            throw new ArgumentException($"{queries} queries but correct matches for {correct.Count}.");
        ValidateKs(ks);
        var ranks = BestRanks(similarity, correct);
        return ks.Distinct().ToDictionary(k => k, k => (double)ranks.Count(r => r < k) / queries);
    }

    /// <summary>Each query's rank (0-based) of its best-ranked correct candidate: Recall@K is the fraction below K.</summary>
    public static int[] BestRanks(double[,] similarity, IReadOnlyList<IReadOnlyCollection<int>> correct)
    {
        var queries = similarity.GetLength(0);
        if (correct.Count != queries)
            throw new ArgumentException($"{queries} queries but correct matches for {correct.Count}.");
        var ranks = new int[queries];
        for (var q = 0; q < queries; q++)
            ranks[q] = BestRank(similarity, q, correct[q]);
        return ranks;
    }

    /// <summary>
    /// Precision@K by label agreement (GLoRIA's CheXpert 8x200 retrieval): the fraction of a query's K best
    /// candidates whose label equals the query's label, averaged over queries.
    /// </summary>
    public static IReadOnlyDictionary<int, double> PrecisionAtK(double[,] similarity, IReadOnlyList<int> queryLabels, IReadOnlyList<int> candidateLabels, IReadOnlyList<int> ks)
    {
        ValidateKs(ks);
        var result = new Dictionary<int, double>();
        foreach (var k in ks.Distinct())
        {
            var perQuery = PrecisionAtKPerQuery(similarity, queryLabels, candidateLabels, k);
            var sum = 0.0;
            foreach (var value in perQuery)
                sum += value;
            result[k] = sum / perQuery.Length;
        }
        return result;
    }

    /// <summary>Each query's Precision@K by label agreement (<see cref="PrecisionAtK"/> averages them).</summary>
    public static double[] PrecisionAtKPerQuery(double[,] similarity, IReadOnlyList<int> queryLabels, IReadOnlyList<int> candidateLabels, int k)
    {
        var queries = similarity.GetLength(0);
        var candidates = similarity.GetLength(1);
        if (queryLabels.Count != queries || candidateLabels.Count != candidates)
            throw new ArgumentException($"similarity is {queries}x{candidates} but there are {queryLabels.Count} query and {candidateLabels.Count} candidate labels.");
        ValidateKs([k]);
        var top = Math.Min(k, candidates);
        var precision = new double[queries];
        var order = new int[candidates];
        var keys = new double[candidates];
        for (var q = 0; q < queries; q++)
        {
            for (var c = 0; c < candidates; c++)
            {
                order[c] = c;
                keys[c] = similarity[q, c];
            }
            Array.Sort(order, (a, b) => keys[b] != keys[a] ? keys[b].CompareTo(keys[a]) : a.CompareTo(b));
            var relevant = 0;
            for (var r = 0; r < top; r++)
                relevant += candidateLabels[order[r]] == queryLabels[q] ? 1 : 0;
            precision[q] = (double)relevant / k;
        }
        return precision;
    }

    /// <summary>
    /// Image-to-text and text-to-image Recall@K from a similarity matrix [images, texts];
    /// <paramref name="textsOfImage"/>[i] lists the texts that belong to image i. A text's correct images are the
    /// images that list it; every text must belong to at least one image.
    /// </summary>
    public static ImageTextRecall ImageTextRecall(double[,] similarity, IReadOnlyList<IReadOnlyCollection<int>> textsOfImage, IReadOnlyList<int>? ks = null)
    {
        ks ??= [1, 5, 10];
        var images = similarity.GetLength(0);
        var texts = similarity.GetLength(1);
        var imagesOfText = Enumerable.Range(0, texts).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < textsOfImage.Count; i++)
        foreach (var t in textsOfImage[i])
        {
            if ((uint)t >= (uint)texts)
                throw new ArgumentException($"image {i} lists text {t}, outside 0..{texts - 1}.");
            imagesOfText[t].Add(i);
        }
        var transposed = new double[texts, images];
        for (var i = 0; i < images; i++)
        for (var t = 0; t < texts; t++)
            transposed[t, i] = similarity[i, t];
        return new ImageTextRecall(
            RecallAtK(similarity, textsOfImage, ks),
            RecallAtK(transposed, imagesOfText, ks));
    }

    /// <summary>Rank (0-based) of the best-ranked correct candidate of query q: candidates above it score higher, or tie with a lower index.</summary>
    private static int BestRank(double[,] similarity, int q, IReadOnlyCollection<int> correct)
    {
        var candidates = similarity.GetLength(1);
        if (correct.Count == 0)
            throw new ArgumentException($"query {q} has no correct candidate.");
        var best = -1;
        foreach (var c in correct)
        {
            if ((uint)c >= (uint)candidates)
                throw new ArgumentException($"query {q}: correct candidate {c} is outside 0..{candidates - 1}.");
            if (best < 0 || similarity[q, c] > similarity[q, best] || (similarity[q, c] == similarity[q, best] && c < best))
                best = c;
        }
        var target = similarity[q, best];
        if (double.IsNaN(target))
            throw new ArgumentException($"similarity of query {q} to candidate {best} is NaN.");
        var rank = 0;
        for (var c = 0; c < candidates; c++)
        {
            var s = similarity[q, c];
            if (s > target || (s == target && c < best))
                rank++;
        }
        return rank;
    }

    private static void ValidateKs(IReadOnlyList<int> ks)
    {
        if (ks.Count == 0 || ks.Any(k => k < 1))
            throw new ArgumentException("K values must be at least 1.");
    }
}
