using CxrVL.Precision;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Methods.Prior;

/// <summary>The bank's answer for M sentences: quantised sentences [M, D], the L1 loss to them, prototype indices [M], dot-product distances [M, K].</summary>
public sealed record BankQuery(Tensor Output, Tensor Loss, Tensor Index, Tensor Distances);

/// <summary>
/// PRIOR's sentence prototype bank (<c>sentence_bank.embed</c>, K x D): a sentence's scores are its dot products with
/// the prototypes; in training it becomes a Gumbel-softmax mixture of prototypes (soft, fixed temperature), in
/// evaluation the same mixture without noise, so evaluation is deterministic (PRIOR kept the noise at test time:
/// <c>gumbelInEvaluation</c>).
/// </summary>
public sealed class SentencePrototypeBank : nn.Module
{
    private readonly Embedding embed;
    private readonly double _temperature;
    private readonly bool _gumbelInEvaluation;

    public SentencePrototypeBank(int prototypes, int dim, double temperature, bool gumbelInEvaluation = false) : base(nameof(SentencePrototypeBank))
    {
        embed = nn.Embedding(prototypes, dim);
        _temperature = temperature;
        _gumbelInEvaluation = gumbelInEvaluation;
        RegisterComponents();
    }

    /// <summary>The prototypes [K, D].</summary>
    public Tensor Prototypes => embed.weight!;

    public BankQuery Query(Tensor sentences)
    {
        using var scope = NewDisposeScope();
        var distances = Autocast.MatMul(sentences, embed.weight!.t());
        var logits = distances;
        if (training || _gumbelInEvaluation)
        {
            // Gumbel(0, 1) noise as torch's gumbel_softmax draws it.
            logits = distances - empty_like(distances).exponential_().log();
        }
        var weights = Autocast.Softmax(logits / _temperature, 1);
        var output = Autocast.MatMul(weights, embed.weight!);
        var loss = (Autocast.Float32(output) - Autocast.Float32(sentences)).abs().mean();
        var result = new BankQuery(output, loss, weights.argmax(1), distances);
        foreach (var t in new[] { output, loss, result.Index, distances })
            t.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>Sets the prototypes to rows of <paramref name="sentences"/> [M, D] drawn at random (with replacement when M &lt; K).</summary>
    public void FillFrom(Tensor sentences)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (count, available) = (embed.weight!.shape[0], sentences.shape[0]);
        var rows = available >= count
            ? randperm(available, device: sentences.device)[..(int)count]
            : randint(available, [count], device: sentences.device);
        embed.weight!.copy_(sentences.detach().index_select(0, rows));
    }

    /// <summary>
    /// PRIOR's L_kl: KL(softmax(<paramref name="targetDistances"/>) || softmax(predicted · E^T)), summed over prototypes and
    /// averaged over rows (batchmean).
    /// </summary>
    public Tensor KlLoss(Tensor predicted, Tensor targetDistances)
    {
        using var scope = NewDisposeScope();
        // A loss: float32 throughout, under autocast too.
        var logPredicted = Autocast.Float32(predicted).matmul(Autocast.Float32(embed.weight!).t()).log_softmax(-1);
        var logTarget = Autocast.Float32(targetDistances).log_softmax(-1);
        var kl = (logTarget.exp() * (logTarget - logPredicted)).sum() / predicted.shape[0];
        return kl.MoveToOuterDisposeScope();
    }
}
