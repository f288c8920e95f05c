namespace CxrVL.Methods.Prior;

/// <summary>Result of <see cref="HungarianSolver.Solve"/>: the optimal assignment and the dual potentials that prove it optimal.</summary>
/// <param name="Assignment">Column assigned to each row.</param>
/// <param name="RowPotentials">u; with <paramref name="ColumnPotentials"/> v, u[i] + v[j] &lt;= cost[i, j] everywhere, with equality on the assignment.</param>
public sealed record OptimalAssignment(int[] Assignment, double[] RowPotentials, double[] ColumnPotentials, double Cost);

/// <summary>
/// Minimum-cost perfect matching of a square cost matrix by shortest augmenting paths with potentials (the Hungarian
/// method in its O(n^3) Jonker-Volgenant form). PRIOR matches 16 decoded sentences to 16 prototypes per report;
/// scipy's linear_sum_assignment solves the same problem.
/// </summary>
public static class HungarianSolver
{
    public static OptimalAssignment Solve(ReadOnlySpan<double> cost, int n)
    {
        if (cost.Length != n * n)
            throw new ArgumentException($"a {n} x {n} cost matrix needs {n * n} entries, got {cost.Length}.", nameof(cost));
        // 1-based arrays with a virtual column 0, as in the classic formulation.
        var u = new double[n + 1];
        var v = new double[n + 1];
        var matchOfColumn = new int[n + 1];
        var way = new int[n + 1];
        var minimum = new double[n + 1];
        var used = new bool[n + 1];
        for (var row = 1; row <= n; row++)
        {
            matchOfColumn[0] = row;
            var column = 0;
            Array.Fill(minimum, double.PositiveInfinity);
            Array.Clear(used);
            do
            {
                used[column] = true;
                var i = matchOfColumn[column];
                var delta = double.PositiveInfinity;
                var next = 0;
                for (var j = 1; j <= n; j++)
                {
                    if (used[j])
                        continue;
                    var reduced = cost[(i - 1) * n + j - 1] - u[i] - v[j];
                    if (reduced < minimum[j])
                    {
                        minimum[j] = reduced;
                        way[j] = column;
                    }
                    if (minimum[j] < delta)
                    {
                        delta = minimum[j];
                        next = j;
                    }
                }
                for (var j = 0; j <= n; j++)
                {
                    if (used[j])
                    {
                        u[matchOfColumn[j]] += delta;
                        v[j] -= delta;
                    }
                    else
                    {
                        minimum[j] -= delta;
                    }
                }
                column = next;
            } while (matchOfColumn[column] != 0);
            do
            {
                var previous = way[column];
                matchOfColumn[column] = matchOfColumn[previous];
                column = previous;
            } while (column != 0);
        }

        var assignment = new int[n];
        var total = 0.0;
        for (var j = 1; j <= n; j++)
        {
            assignment[matchOfColumn[j] - 1] = j - 1;
            total += cost[(matchOfColumn[j] - 1) * n + j - 1];
        }
        return new OptimalAssignment(assignment, u[1..], v[1..], total);
    }
}
