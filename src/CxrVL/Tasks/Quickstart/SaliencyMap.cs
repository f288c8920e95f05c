using CxrVL.Imaging;
using CxrVL.Tasks.Pretraining;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Quickstart;

/// <summary>An image as the model saw it (gray, [0, 1]) and where the image-report similarity is most sensitive (a [0, 1] map of the same size).</summary>
public sealed record Saliency(float[] Image, float[] Map, int Size, double Similarity);

/// <summary>
/// Gradient saliency of the image-report similarity: the absolute gradient of cos(image, report) with respect to the
/// input pixels, maximum over channels, smoothed and scaled to [0, 1]. It needs only the global embeddings, so it
/// shows what any method's image encoder attends to when matching an image with its report.
/// </summary>
public static class SaliencyMap
{
    public static Saliency Compute(PretrainedModel model, string imagePath, string report, Device device)
    {
        using var image = model.LoadImageFile(imagePath);
        using var text = model.EmbedTexts([report], device);
        return Compute(model, image, text, device);
    }

    /// <summary>The saliency of an image [1, C, H, W] as the model's recipe writes it, against one l2-normalised text embedding [1, D] (a report or a zero-shot class).</summary>
    public static Saliency Compute(PretrainedModel model, Tensor image, Tensor text, Device device)
    {
        var recipe = model.Reading.ImageRecipe;
        using var scope = NewDisposeScope();
        model.Method.Model.eval();
        var input = image.to(device).detach().clone().requires_grad_(true);
        var similarity = model.Method.EmbedImages(input).matmul(text.to(device).t()).sum();
        similarity.backward();
        model.Method.Model.zero_grad();
        var gradient = input.grad!.abs().amax([1], keepdim: true);
        // A 5x5 box blur turns the pixel-level gradient into regions a reader can see.
        var smooth = nn.functional.avg_pool2d(gradient, 5, stride: 1, padding: 2);
        var low = smooth.min();
        var map = (smooth - low) / (smooth.max() - low).clamp_min(1e-12);
        var gray = input.detach()[0, 0] * recipe.Normalization.StdOf(0) + recipe.Normalization.MeanOf(0);
        return new Saliency(gray.clamp(0, 1).cpu().data<float>().ToArray(), map.cpu().data<float>().ToArray(), recipe.Size,
                            similarity.ToDouble());
    }
}
