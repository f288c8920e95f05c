using CxrVL.Precision;
using CxrVL.Models.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Methods.Prior;

/// <summary>What <see cref="LocalCrossAttention"/> returns for a batch.</summary>
/// <param name="TextToImage">Text context placed at each image token [B, R, D].</param>
/// <param name="TextToImageAttention">Sigmoid weights of each image token over the sentences [B, R, S] (0 on padding).</param>
/// <param name="ImageToText">Image context of each sentence [B, S, D].</param>
/// <param name="ImageToTextAttention">Sigmoid weights of each sentence over the image tokens [B, S, R].</param>
public sealed record CrossAttention(Tensor TextToImage, Tensor TextToImageAttention, Tensor ImageToText, Tensor ImageToTextAttention);

/// <summary>
/// PRIOR's <c>LocalCrossAttention</c> (<c>query1, key1, value1</c> on image tokens, <c>query2, key2, value2</c> on
/// sentences): both directions scored by scaled dot products through a sigmoid (not a softmax), batched with a
/// sentence mask.
/// </summary>
public sealed class LocalCrossAttention : nn.Module
{
    private readonly AutocastLinear query1;
    private readonly AutocastLinear key1;
    private readonly AutocastLinear value1;
    private readonly AutocastLinear query2;
    private readonly AutocastLinear key2;
    private readonly AutocastLinear value2;
    private readonly double _scale;

    public LocalCrossAttention(int dim) : base(nameof(LocalCrossAttention))
    {
        query1 = new AutocastLinear(dim, dim);
        key1 = new AutocastLinear(dim, dim);
        value1 = new AutocastLinear(dim, dim);
        query2 = new AutocastLinear(dim, dim);
        key2 = new AutocastLinear(dim, dim);
        value2 = new AutocastLinear(dim, dim);
        _scale = 1 / Math.Sqrt(dim);
        RegisterComponents();
    }

    /// <param name="image">Image tokens [B, R, D].</param>
    /// <param name="sentences">Sentences [B, S, D].</param>
    /// <param name="mask">Real sentences [B, S].</param>
    public CrossAttention Forward(Tensor image, Tensor sentences, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var imageToTextAttention = (Autocast.MatMul(query2.forward(sentences), key1.forward(image).transpose(1, 2)) * _scale).sigmoid();
        var imageToText = Autocast.MatMul(imageToTextAttention, value1.forward(image));
        var textToImageAttention = (Autocast.MatMul(query1.forward(image), key2.forward(sentences).transpose(1, 2)) * _scale).sigmoid()
                                   * mask.to_type(image.dtype).unsqueeze(1);
        var textToImage = Autocast.MatMul(textToImageAttention, value2.forward(sentences));
        var result = new CrossAttention(textToImage, textToImageAttention, imageToText, imageToTextAttention);
        foreach (var t in new[] { textToImage, textToImageAttention, imageToText, imageToTextAttention })
            t.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>
    /// PRIOR's zero-shot local score: for every image [N, R, D] and single-sentence prompt [P, D], the mean over image tokens of
    /// the two sigmoid attentions (text to image and image to text), averaged, [N, P].
    /// </summary>
    public Tensor MeanAttention(Tensor image, Tensor prompts)
    {
        using var scope = NewDisposeScope();
        var imageToText = (Autocast.MatMul(key1.forward(image), query2.forward(prompts).t()) * _scale).sigmoid().mean([1]);
        var textToImage = (Autocast.MatMul(query1.forward(image), key2.forward(prompts).t()) * _scale).sigmoid().mean([1]);
        return ((imageToText + textToImage) / 2).MoveToOuterDisposeScope();
    }
}
