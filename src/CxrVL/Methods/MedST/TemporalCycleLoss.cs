using CxrVL.Precision;
using static TorchSharp.torch;

namespace CxrVL.Methods.MedST;

/// <summary>
/// MedST's cross-modal temporal cycle consistency over sequences of a patient's studies (from temporal cycle
/// consistency learning). For sequences U (source) and V (target) of equal length L, with similarities
/// s(a, b) = -||a - b||^2 / temperature:
/// forward mapping classification: u_i must be most similar to v_i (cross-entropy over V);
/// reverse mapping regression: the soft nearest neighbour of u_i in V is mapped back over U, and the expected time
/// mu = sum beta t and variance sigma^2 of that distribution are regressed to u_i's time t_i = i / L with the
/// variance-aware loss exp(-log sigma^2) (t_i - mu)^2 + lambda log sigma^2, linear (Huber) beyond |error| = delta.
/// The loss of one direction is regression + classification; MedST adds both directions.
/// </summary>
public static class TemporalCycleLoss
{
    /// <param name="source">[S, L, D]: S sequences of L studies.</param>
    /// <param name="target">[S, L, D].</param>
    public static Tensor OneDirection(Tensor source, Tensor target, double temperature = 0.1, double varianceLambda = 0.001, double huberDelta = 2)
    {
        using var scope = NewDisposeScope();
        // Losses run in float32 under autocast too.
        (source, target) = (Autocast.Float32(source), Autocast.Float32(target));
        var length = source.shape[1];
        var forward = Similarity(source, target, temperature);
        var identity = eye(length, dtype: source.dtype, device: source.device);
        var classification = -(identity * nn.functional.log_softmax(forward, -1)).sum(-1).mean();

        var neighbours = nn.functional.softmax(forward, -1).matmul(target);
        var beta = nn.functional.softmax(Similarity(neighbours, source, temperature), -1);
        // MedST normalises the time index by the sequence length (plus 1e-7, kept for parity).
        var steps = arange(length, dtype: source.dtype, device: source.device) / (length + 1e-7);
        var expected = (beta * steps).sum(-1);
        var variance = (beta * (steps - expected.unsqueeze(-1)).pow(2)).sum(-1);
        var logVariance = (variance + 1e-7).log();
        var error = steps - expected;
        var quadratic = (-logVariance).exp() * error.pow(2) + varianceLambda * logVariance;
        var linear = huberDelta * (error.abs() - 0.5 * huberDelta);
        var regression = where(error.abs() < huberDelta, quadratic, linear).mean();
        return (regression + classification).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Both directions over all complete chunks of <paramref name="chunkLength"/> studies. With no complete chunk the loss
    /// is a zero that stays in the graph (zero gradients, no NaN), so every step and every rank back-propagates alike.
    /// </summary>
    /// <param name="images">[N, D] image embeddings of the sequence studies, chunk after chunk.</param>
    /// <param name="reports">[N, D] report embeddings in the same order.</param>
    public static Tensor Compute(Tensor images, Tensor reports, int chunkLength = 4, double temperature = 0.1,
                                 double varianceLambda = 0.001, double huberDelta = 2)
    {
        var chunks = images.shape[0] / chunkLength;
        if (chunks == 0)
            return (images.sum() + reports.sum()) * 0;
        using var scope = NewDisposeScope();
        var used = chunks * chunkLength;
        var u = images[..(int)used].reshape(chunks, chunkLength, -1);
        var v = reports[..(int)used].reshape(chunks, chunkLength, -1);
        var loss = OneDirection(u, v, temperature, varianceLambda, huberDelta) + OneDirection(v, u, temperature, varianceLambda, huberDelta);
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>-||a_i - b_j||^2 / temperature for every pair, [S, L, L], with distances clamped at 0 as MedST does.</summary>
    private static Tensor Similarity(Tensor a, Tensor b, double temperature)
    {
        var distance = a.pow(2).sum(-1, keepdim: true) + b.pow(2).sum(-1).unsqueeze(-2) - 2 * a.matmul(b.transpose(-1, -2));
        return -distance.clamp_min(0) / temperature;
    }
}
