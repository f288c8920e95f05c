using static TorchSharp.torch;

namespace CxrVL.Training;

/// <summary>
/// The loss to minimise and its named, already weighted terms; the trainer logs a term <c>global</c> as
/// <c>loss_global</c>, and stage loss weights use the short names.
/// </summary>
public sealed record LossTerms(Tensor Total, IReadOnlyDictionary<string, Tensor> Terms)
{
    /// <summary>Sums weighted terms; a term whose weight is missing counts with weight 1, a zero weight drops it.</summary>
    public static LossTerms Weighted(IReadOnlyDictionary<string, Tensor> terms, IReadOnlyDictionary<string, double>? weights = null)
    {
        var weighted = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        Tensor? total = null;
        foreach (var (name, term) in terms)
        {
            var weight = weights is not null && weights.TryGetValue(name, out var w) ? w : 1.0;
            if (weight == 0)
                continue;
            var value = weight == 1.0 ? term : term * weight;
            weighted[name] = value;
            total = total is null ? value : total + value;
        }
        return new LossTerms(total ?? throw new CxrVLException("every loss term has weight 0: nothing to train."), weighted);
    }
}
