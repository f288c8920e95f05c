using CxrVL.Methods.Alignment;
using CxrVL.Methods.Encoders;
using CxrVL.Models;
using CxrVL.Training;
using static TorchSharp.torch;

namespace CxrVL.Tests.Methods.Toy;

/// <summary>
/// A method written outside CxrVL, as a user would add one: this folder (its config and its model) and the
/// descriptor below, registered with one line (<c>PretrainingMethods.BuiltIn.With(ToyAlignmentMethod.Descriptor)</c>).
/// Linear heads over the shared encoders and a fixed-temperature InfoNCE.
/// </summary>
public sealed class ToyAlignmentMethod : nn.Module, IPretrainingMethod
{
    private readonly ImageEncoder image_encoder;
    private readonly TextEncoder text_encoder;
    private readonly nn.Module<Tensor, Tensor> image_head;
    private readonly nn.Module<Tensor, Tensor> text_head;
    private readonly double _temperature;

    public ToyAlignmentMethod(ToyModelConfig config, BertConfig text) : base(nameof(ToyAlignmentMethod))
    {
        _temperature = config.Temperature;
        image_encoder = new ImageEncoder(config.Image);
        text_encoder = new TextEncoder(text, config.Text.Pooling);
        image_head = nn.Linear(image_encoder.GlobalDim, config.EmbedDim);
        text_head = nn.Linear(text_encoder.Dim, config.EmbedDim);
        RegisterComponents();
    }

    public static PretrainingMethodDescriptor Descriptor { get; } =
        PretrainingMethodDescriptor.For<ToyModelConfig>((model, text) => new ToyAlignmentMethod(model, text), defaultImageRecipe: "small");

    public nn.Module Model => this;

    public LossTerms Loss(AlignmentBatch batch, TrainingProgress progress)
    {
        var global = ContrastiveLoss.InfoNce(EmbedImages(batch.Images), EmbedTexts(batch.Text), _temperature, DirectionReduction.Mean, progress.Global);
        return LossTerms.Weighted(new Dictionary<string, Tensor> { ["global"] = global }, progress.LossWeights);
    }

    public Tensor EmbedImages(Tensor images) => nn.functional.normalize(image_head.forward(image_encoder.forward(images).Global), dim: -1);

    public Tensor EmbedTexts(TextInput text) => nn.functional.normalize(text_head.forward(text_encoder.EncodeGlobal(text)), dim: -1);
}
