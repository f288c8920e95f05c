using static TorchSharp.torch;

namespace CxrVL.Methods.Encoders;

/// <summary>
/// What embedding, zero-shot classification and retrieval need from a trained image-report model: l2-normalised global
/// embeddings of images and of texts in one shared space.
/// </summary>
public interface IAlignmentModel
{
    Tensor EmbedImages(Tensor images);

    Tensor EmbedTexts(TextInput text);

    /// <summary>False for a model without a report embedding in the images' space (MRM): only its image features are used.</summary>
    bool EmbedsTexts => true;
}
