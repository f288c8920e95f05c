using CxrVL.Training.Distributed;
using static TorchSharp.torch;

namespace CxrVL.Methods.Alignment;

/// <summary>
/// Soft assignments of samples to prototypes with equal-partition constraints (SwAV, MGCA): Q = exp(scores / epsilon),
/// then alternate normalisations that give every prototype mass 1/K and every sample mass 1/B, finally each sample's
/// code sums to 1. No gradient flows through the codes. With a distributed <c>global</c> batch the normalisations run
/// over every rank's samples (as SwAV's distributed Sinkhorn) and each rank gets its own rows' codes.
/// </summary>
public static class SinkhornKnopp
{
    /// <param name="scores">Prototype scores, [B, K].</param>
    /// <returns>Codes, [B, K], rows summing to 1.</returns>
    public static Tensor Codes(Tensor scores, double epsilon = 0.05, int iterations = 3, GlobalBatch? global = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        if (global is { IsDistributed: true })
        {
            var gathered = global.GatherConstant(scores);
            return Codes(gathered.All, epsilon, iterations).narrow(0, gathered.Start, gathered.Count).MoveToOuterDisposeScope();
        }
        var (samples, prototypes) = (scores.shape[0], scores.shape[1]);
        // exp of scores / 0.05 overflows float32 for scores above ~4.4; subtracting the maximum cancels in the first normalisation.
        var q = (scores.detach().to(float64) - scores.detach().max().to(float64)).div(epsilon).exp().t();
        q = q / q.sum();
        for (var i = 0; i < iterations; i++)
        {
            q = q / q.sum(1, keepdim: true) / prototypes;
            q = q / q.sum(0, keepdim: true) / samples;
        }
        var codes = (q / q.sum(0, keepdim: true)).t().to(scores.dtype);
        return codes.MoveToOuterDisposeScope();
    }
}
