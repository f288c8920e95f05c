using static TorchSharp.torch;

namespace CxrVL.Methods.Encoders;

/// <summary>
/// A model with its own zero-shot protocol (PRIOR: global cosine softmax plus weighted local cross-attention softmax)
/// instead of the cosine similarity to the mean prompt embedding.
/// </summary>
public interface IPromptScorer
{
    /// <summary>
    /// The l2-normalised global embeddings [B, D] (as <see cref="IAlignmentModel.EmbedImages"/>) and the region embeddings
    /// [B, R, D] that <see cref="ScoreClasses"/> needs, from one forward pass.
    /// </summary>
    ImageEncoding EmbedImageRegions(Tensor images);

    /// <summary>
    /// Class scores [N, C] of images given by their l2-normalised global embeddings [N, D] and region embeddings
    /// [N, R, D], one prompt batch per class.
    /// </summary>
    Tensor ScoreClasses(Tensor images, Tensor regions, IReadOnlyList<TextInput> classPrompts);
}
