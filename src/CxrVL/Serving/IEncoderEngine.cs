using CxrVL.Imaging;
using CxrVL.Tasks.ZeroShot;
using static TorchSharp.torch;

namespace CxrVL.Serving;

/// <summary>The image and text encoders behind the service, whatever runs them (TorchSharp or ONNX Runtime).</summary>
internal interface IEncoderEngine : IDisposable
{
    ServingEngine Kind { get; }

    /// <summary>How an upload becomes the encoder's input.</summary>
    ImageRecipe Recipe { get; }

    /// <summary>l2-normalised image embeddings [B, D] on the CPU and, for a model with its own zero-shot protocol, the image regions.</summary>
    (Tensor Global, Tensor? Regions) EmbedImages(Tensor images);

    /// <summary>l2-normalised text embeddings [N, D] on the CPU.</summary>
    Tensor EmbedTexts(IReadOnlyList<string> texts);

    ZeroShotClassifier Classifier(ZeroShotConfig config);

    /// <summary>A gradient saliency map over the image as the model saw it, as PNG bytes; null when the engine has no gradients.</summary>
    byte[]? SaliencyPng(float[] pixels, Tensor classEmbedding);
}
