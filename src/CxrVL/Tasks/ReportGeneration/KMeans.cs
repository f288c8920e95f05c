using static TorchSharp.torch;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>Lloyd's K-means with k-means++ seeding on a [N, D] tensor (squared Euclidean distance), seeded.</summary>
public static class KMeans
{
    /// <summary>
    /// <paramref name="k"/> centroids [k, D]. With fewer than k points, the points themselves are repeated in order;
    /// an empty cluster keeps its previous centroid.
    /// </summary>
    public static Tensor Fit(Tensor points, int k, int seed, int iterations = 30)
    {
        using var scope = NewDisposeScope();
        var n = (int)points.shape[0];
        if (n == 0)
            throw new CxrVLException("K-means needs at least one point.");
        if (n <= k)
            return points.index_select(0, arange(k, ScalarType.Int64, points.device).remainder(n)).clone().MoveToOuterDisposeScope();

        var random = new Random(seed);
        var chosen = new List<long> { random.Next(n) };
        var nearest = (points - points[chosen[0]]).pow(2).sum(1);
        while (chosen.Count < k)
        {
            var weights = nearest.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
            var total = weights.Sum();
            var next = total <= 0 ? random.Next(n) : Pick(weights, random.NextDouble() * total);
            chosen.Add(next);
            nearest = nearest.minimum((points - points[next]).pow(2).sum(1));
        }
        var centroids = points.index_select(0, tensor(chosen.ToArray(), device: points.device)).clone();
        for (var i = 0; i < iterations; i++)
        {
            var assignment = cdist(points, centroids).argmin(1);
            var sums = zeros_like(centroids).index_add(0, assignment, points, 1);
            var counts = zeros(k, points.dtype, points.device).index_add(0, assignment, ones(n, points.dtype, points.device), 1).unsqueeze(1);
            var updated = where(counts.gt(0), sums / counts.clamp_min(1), centroids);
            var moved = (updated - centroids).abs().max().item<float>();
            centroids = updated;
            if (moved == 0)
                break;
        }
        return centroids.MoveToOuterDisposeScope();
    }

    private static int Pick(double[] weights, double target)
    {
        var cumulative = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            cumulative += weights[i];
            if (cumulative >= target)
                return i;
        }
        return weights.Length - 1;
    }
}
