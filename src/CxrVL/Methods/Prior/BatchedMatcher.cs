using static TorchSharp.torch;

namespace CxrVL.Methods.Prior;

/// <summary>
/// Matches every sample's predictions to its targets at once: the L1 cost matrices of the whole batch are computed on the
/// device, copied to the host in one transfer, and solved in parallel (PRIOR called scipy once per sample).
/// </summary>
public static class BatchedMatcher
{
    /// <param name="predictions">[B, N, D].</param>
    /// <param name="targets">[B, N, D].</param>
    /// <returns>For each sample, the prediction index matched to each target slot, [B, N] (int64, on the predictions' device).</returns>
    public static Tensor MatchL1(Tensor predictions, Tensor targets)
    {
        using var scope = NewDisposeScope();
        var (batch, n) = (predictions.shape[0], (int)predictions.shape[1]);
        if (targets.shape[1] != n)
            throw new ArgumentException($"predictions have {n} slots but targets have {targets.shape[1]}.");
        using var noGrad = no_grad();
        var costs = cdist(targets.detach().to(float64), predictions.detach().to(float64), p: 1).cpu().contiguous().data<double>().ToArray();
        var matched = new long[batch * n];
        Parallel.For(0, (int)batch, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, sample =>
        {
            var result = HungarianSolver.Solve(costs.AsSpan(sample * n * n, n * n), n);
            for (var slot = 0; slot < n; slot++)
                matched[sample * n + slot] = result.Assignment[slot];
        });
        return tensor(matched, [batch, n]).to(predictions.device).MoveToOuterDisposeScope();
    }
}
