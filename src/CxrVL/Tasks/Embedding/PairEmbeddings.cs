using CxrVL.Data.Manifest;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Embedding;

/// <summary>l2-normalised image and report embeddings [N, D] (CPU) of the same N studies, in <see cref="Rows"/> order.</summary>
public sealed record PairEmbeddings(Tensor Images, Tensor Texts, IReadOnlyList<ManifestRow> Rows) : IDisposable
{
    public void Dispose()
    {
        Images.Dispose();
        Texts.Dispose();
    }
}
