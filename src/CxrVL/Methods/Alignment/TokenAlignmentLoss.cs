using CxrVL.Precision;
using static TorchSharp.torch;

namespace CxrVL.Methods.Alignment;

/// <summary>
/// MGCA's cross-attention token-wise alignment, one direction: each query token (a word, or a patch) attends over the
/// other modality's tokens of the same study; the attended context must identify its own query token among the study's
/// tokens, in both directions of that token-by-token similarity, and each token's cross-entropy counts with its weight.
/// With a query mask, padded queries are left out as queries and as negatives; without one every slot takes part, as in
/// MGCA's and MedST's releases (see <see cref="LocalLossPadding"/>).
/// </summary>
public static class TokenAlignmentLoss
{
    /// <param name="queries">Normalised query tokens, [B, N, D].</param>
    /// <param name="context">Normalised tokens of the other modality, [B, M, D].</param>
    /// <param name="weights">Token weights, [B, N], summing to 1 per study (see <see cref="ClippedAttentionWeights"/>).</param>
    /// <param name="queryMask">True for real query tokens, [B, N]; null when all are real.</param>
    /// <param name="contextMask">True for real context tokens, [B, M]; null when all are real.</param>
    public static Tensor Compute(Tensor queries, Tensor context, Tensor weights, double temperature = 0.1,
                                 Tensor? queryMask = null, Tensor? contextMask = null)
    {
        using var scope = NewDisposeScope();
        // Losses run in float32 under autocast too.
        (queries, context, weights) = (Autocast.Float32(queries), Autocast.Float32(context), Autocast.Float32(weights));
        var (batch, tokens) = (queries.shape[0], queries.shape[1]);
        var attended = Attend(queries, context, temperature, contextMask);

        var similarity = queries.matmul(attended.transpose(1, 2)) / temperature;
        var forward = similarity;
        var backward = similarity.transpose(1, 2);
        if (queryMask is not null)
        {
            var padding = queryMask.logical_not().unsqueeze(1);
            forward = forward.masked_fill(padding, double.NegativeInfinity);
            backward = backward.masked_fill(padding, double.NegativeInfinity);
        }
        var targets = arange(tokens, device: queries.device).repeat(batch);
        var forwardLoss = nn.functional.cross_entropy(forward.reshape(batch * tokens, tokens), targets, reduction: nn.Reduction.None);
        var backwardLoss = nn.functional.cross_entropy(backward.reshape(batch * tokens, tokens), targets, reduction: nn.Reduction.None);
        var perToken = forwardLoss + backwardLoss;
        var tokenWeights = weights.reshape(-1);
        if (queryMask is not null)
        {
            // Padded queries have an infinite loss: leave them out before weighting, so learned weights get finite gradients.
            var real = queryMask.reshape(-1).nonzero().squeeze(1);
            perToken = perToken.index_select(0, real);
            tokenWeights = tokenWeights.index_select(0, real);
        }
        var loss = (perToken * tokenWeights).sum() / batch / 2;
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>Each query token's normalised attention-weighted context, softmax(q c^T / temperature) c, [B, N, D]; masked context tokens take no part.</summary>
    public static Tensor Attend(Tensor queries, Tensor context, double temperature, Tensor? contextMask = null)
    {
        using var scope = NewDisposeScope();
        (queries, context) = (Autocast.Float32(queries), Autocast.Float32(context));
        var attention = queries.matmul(context.transpose(1, 2)) / temperature;
        if (contextMask is not null)
            attention = attention.masked_fill(contextMask.logical_not().unsqueeze(1), double.NegativeInfinity);
        return Autocast.Normalize(nn.functional.softmax(attention, -1).matmul(context), dim: -1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// MGCA's token weights: the [CLS] attention to each token, clipped to the 10th and 90th percentiles of the study's
    /// real tokens, zero for padding, normalised to sum 1 per study.
    /// </summary>
    public static Tensor ClippedAttentionWeights(Tensor clsAttention, Tensor? mask = null, double low = 0.1, double high = 0.9)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var weights = clsAttention.detach().clone();
        var rows = new List<Tensor>();
        for (var i = 0; i < weights.shape[0]; i++)
        {
            var row = weights[i];
            var valid = mask is null ? ones_like(row, dtype: @bool) : mask[i];
            var values = row.masked_select(valid);
            var (lower, upper) = (values.quantile(tensor(low, values.dtype, values.device)), values.quantile(tensor(high, values.dtype, values.device)));
            rows.Add(row.clamp(lower, upper).masked_fill(valid.logical_not(), 0));
        }
        var stacked = stack(rows);
        return (stacked / stacked.sum(1, keepdim: true)).MoveToOuterDisposeScope();
    }
}
