using CxrVL.Imaging;
using CxrVL.Methods.Encoders;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tasks.Quickstart;
using CxrVL.Tasks.ZeroShot;
using static TorchSharp.torch;

namespace CxrVL.Serving;

/// <summary>The checkpoint's TorchSharp modules, loaded once.</summary>
internal sealed class TorchEncoderEngine(PretrainedModel model, Device device) : IEncoderEngine
{
    // Saliency runs backward passes, which accumulate into the shared parameters' gradients: one at a time.
    private readonly Lock _gradients = new();

    public ServingEngine Kind => ServingEngine.Torch;

    public ImageRecipe Recipe { get; } = model.Reading.ImageRecipe;

    public PretrainedModel Model => model;

    public (Tensor Global, Tensor? Regions) EmbedImages(Tensor images)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        if (model.Method is IPromptScorer scorer)
        {
            var encoding = model.ImageRegions(scorer, images.to(device));
            return (encoding.Global.cpu().MoveToOuterDisposeScope(), encoding.Local.cpu().MoveToOuterDisposeScope());
        }
        return (model.ImageEmbeddings(images.to(device)).cpu().MoveToOuterDisposeScope(), null);
    }

    public Tensor EmbedTexts(IReadOnlyList<string> texts) => model.EmbedTexts(texts, device);

    public ZeroShotClassifier Classifier(ZeroShotConfig config) => ZeroShotClassifier.Create(model, config, device);

    public byte[]? SaliencyPng(float[] pixels, Tensor classEmbedding)
    {
        lock (_gradients)
        {
            using var input = tensor(pixels, [1, Recipe.Channels, Recipe.Size, Recipe.Size]);
            var saliency = SaliencyMap.Compute(model, input, classEmbedding, device);
            using var image = tensor(saliency.Image, [saliency.Size, saliency.Size]);
            using var map = tensor(saliency.Map, [saliency.Size, saliency.Size]);
            return HeatmapOverlay.EncodePng(image, map);
        }
    }

    public void Dispose() => model.Dispose();
}
