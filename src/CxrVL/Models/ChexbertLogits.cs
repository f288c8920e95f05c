using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>What <see cref="ChexbertModel"/> returns: one logit tensor per head, [N, 4] for the 13 observations, [N, 2] for No Finding.</summary>
public sealed record ChexbertLogits(IReadOnlyList<Tensor> Heads) : IDisposable
{
    public void Dispose()
    {
        foreach (var head in Heads)
            head.Dispose();
    }
}
