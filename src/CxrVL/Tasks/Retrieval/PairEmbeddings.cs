using CxrVL.Data.Manifest;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Retrieval;

/// <summary>
/// l2-normalised image and report embeddings [N, D] (CPU) of the same N studies, in <see cref="Rows"/> order; for models
/// with their own zero-shot protocol (<see cref="Methods.Encoders.IPromptScorer"/>) also the image regions [N, R, D].
/// </summary>
public sealed record PairEmbeddings(Tensor Images, Tensor Texts, IReadOnlyList<ManifestRow> Rows, Tensor? Regions = null) : IDisposable
{
    public void Dispose()
    {
        Images.Dispose();
        Texts.Dispose();
        Regions?.Dispose();
    }
}
