using CxrVL.Precision;
using static TorchSharp.torch;

namespace CxrVL.Methods.Prior;

/// <summary>PRIOR's local and reconstruction losses, batched (PRIOR looped over the samples of a batch).</summary>
public static class PriorLosses
{
    /// <summary>
    /// L_local_img: SimSiam without negatives between image tokens <paramref name="x"/> and the text context at each
    /// token <paramref name="y"/> (both [B, R, D]): -(cos(p(x), sg(y)) + cos(p(y), sg(x))) / 2, averaged over tokens.
    /// </summary>
    public static Tensor SimSiam(Tensor x, Tensor y, Func<Tensor, Tensor> predictor)
    {
        using var scope = NewDisposeScope();
        // Losses run in float32 under autocast too.
        var xy = nn.functional.cosine_similarity(Autocast.Float32(predictor(x)), Autocast.Float32(y).detach(), dim: -1).mean();
        var yx = nn.functional.cosine_similarity(Autocast.Float32(predictor(y)), Autocast.Float32(x).detach(), dim: -1).mean();
        return (-(xy + yx) * 0.5).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// L_local_txt: InfoNCE between each report's sentences and their image contexts (both [B, S, D]) with only the
    /// report's own other sentences as negatives; both directions averaged, then the reports' losses averaged.
    /// </summary>
    public static Tensor IntraReportInfoNce(Tensor sentences, Tensor contexts, Tensor mask, Tensor scale)
    {
        using var scope = NewDisposeScope();
        // Losses run in float32 under autocast too.
        (sentences, contexts, scale) = (Autocast.Float32(sentences), Autocast.Float32(contexts), Autocast.Float32(scale));
        var a = Autocast.Normalize(sentences, dim: -1);
        var b = Autocast.Normalize(contexts, dim: -1);
        var valid = mask.to_type(sentences.dtype);
        // Padded sentences are never candidates (a large negative logit rather than -inf keeps empty rows finite).
        var padding = mask.logical_not().unsqueeze(1);
        Tensor Direction(Tensor query, Tensor key)
        {
            var logits = (matmul(query, key.transpose(1, 2)) * scale).masked_fill(padding, -1e9);
            var diagonal = logits.log_softmax(-1).diagonal(0, 1, 2);
            return -(diagonal * valid).sum(1) / valid.sum(1).clamp_min(1);
        }
        var perReport = (Direction(b, a) + Direction(a, b)) / 2;
        var reports = (valid.sum(1) > 0).to_type(sentences.dtype);
        return ((perReport * reports).sum() / reports.sum().clamp_min(1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// L_spg: the L1 distance of the matched decoder outputs to the padded prototype sequence [B, Q, D], padded slots
    /// (zeros) included as PRIOR counts them, averaged over the batch.
    /// </summary>
    public static Tensor SentencePrototypeGeneration(Tensor matched, Tensor prototypes) =>
        nn.functional.l1_loss(Autocast.Float32(matched), Autocast.Float32(prototypes));

    /// <summary>
    /// Decoder outputs [B, Q, D] reordered so that slot j holds the output matched to target j (<paramref name="assignment"/>
    /// [B, Q]). <paramref name="legacyIndexing"/> reorders as PRIOR's <c>logit[inds[1]]</c> does instead: slot i holds the
    /// output whose index is the target matched to output i, i.e. the outputs indexed by the inverse assignment.
    /// </summary>
    public static Tensor Rearrange(Tensor outputs, Tensor assignment, bool legacyIndexing = false)
    {
        using var scope = NewDisposeScope();
        var index = legacyIndexing ? assignment.argsort(1) : assignment;
        return outputs.gather(1, index.unsqueeze(-1).expand(outputs.shape[0], outputs.shape[1], outputs.shape[2])).MoveToOuterDisposeScope();
    }
}
