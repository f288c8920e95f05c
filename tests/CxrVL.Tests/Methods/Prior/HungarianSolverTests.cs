using CxrVL.Methods.Prior;
using static TorchSharp.torch;

namespace CxrVL.Tests.Methods.Prior;

public sealed class HungarianSolverTests
{
    private static double[] RandomCosts(Random random, int n, bool integers) =>
        Enumerable.Range(0, n * n).Select(_ => integers ? random.Next(0, 10) : random.NextDouble()).ToArray();

    private static double CostOf(double[] costs, int n, IReadOnlyList<int> assignment) =>
        Enumerable.Range(0, n).Sum(i => costs[i * n + assignment[i]]);

    private static IEnumerable<int[]> Permutations(int[] items, int k = 0)
    {
        if (k == items.Length)
        {
            yield return (int[])items.Clone();
            yield break;
        }
        for (var i = k; i < items.Length; i++)
        {
            (items[k], items[i]) = (items[i], items[k]);
            foreach (var p in Permutations(items, k + 1))
                yield return p;
            (items[k], items[i]) = (items[i], items[k]);
        }
    }

    [Fact]
    public void MatchesBruteForceOnRandomSixBySixCosts()
    {
        var random = new Random(17);
        for (var trial = 0; trial < 50; trial++)
        {
            // Small integers make ties frequent; the optimum cost must still be found.
            var costs = RandomCosts(random, 6, integers: trial % 2 == 0);
            var best = Permutations(Enumerable.Range(0, 6).ToArray()).Min(p => CostOf(costs, 6, p));

            var result = HungarianSolver.Solve(costs, 6);

            Assert.Equal(best, result.Cost, 12);
            Assert.Equal(best, CostOf(costs, 6, result.Assignment), 12);
            Assert.Equal(Enumerable.Range(0, 6), result.Assignment.Order());
        }
    }

    /// <summary>Exact optimum of an n x n assignment by dynamic programming over subsets of columns (n 2^n states).</summary>
    private static double SubsetDynamicProgramming(double[] costs, int n)
    {
        var best = new double[1 << n];
        Array.Fill(best, double.PositiveInfinity);
        best[0] = 0;
        for (var mask = 0; mask < 1 << n; mask++)
        {
            if (double.IsPositiveInfinity(best[mask]))
                continue;
            var row = System.Numerics.BitOperations.PopCount((uint)mask);
            if (row == n)
                continue;
            for (var column = 0; column < n; column++)
            {
                if ((mask & (1 << column)) == 0)
                    best[mask | (1 << column)] = Math.Min(best[mask | (1 << column)], best[mask] + costs[row * n + column]);
            }
        }
        return best[(1 << n) - 1];
    }

    [Fact]
    public void IsExactOnSixteenBySixteenByDynamicProgrammingAndDuality()
    {
        var random = new Random(3);
        for (var trial = 0; trial < 3; trial++)
        {
            var costs = RandomCosts(random, 16, integers: trial == 0);

            var result = HungarianSolver.Solve(costs, 16);

            Assert.Equal(SubsetDynamicProgramming(costs, 16), result.Cost, 9);
            // LP duality certificate: feasible potentials that are tight on the assignment prove optimality.
            for (var i = 0; i < 16; i++)
            {
                for (var j = 0; j < 16; j++)
                    Assert.True(result.RowPotentials[i] + result.ColumnPotentials[j] <= costs[i * 16 + j] + 1e-9);
                Assert.Equal(costs[i * 16 + result.Assignment[i]], result.RowPotentials[i] + result.ColumnPotentials[result.Assignment[i]], 9);
            }
        }
    }

    [Fact]
    public void BatchedMatcherRecoversAPermutationOfTheTargets()
    {
        var generator = new Generator(5);
        var targets = randn([4, 16, 8], generator: generator);
        var permutations = stack(Enumerable.Range(0, 4).Select(_ => randperm(16, generator: generator)).ToArray());
        var predictions = targets.gather(1, permutations.unsqueeze(-1).expand(-1, -1, 8)) + 0.01 * randn([4, 16, 8], generator: generator);

        var matched = BatchedMatcher.MatchL1(predictions, targets);

        // Prediction p holds target permutation[p], so target slot t is matched to the p with permutation[p] == t.
        var rematched = predictions.gather(1, matched.unsqueeze(-1).expand(-1, -1, 8));
        Assert.True((rematched - targets).abs().max().item<float>() < 0.1f);
        Assert.Equal([4L, 16], matched.shape);
    }
}
