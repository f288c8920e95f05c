using CxrVL.Imaging;
using CxrVL.Imaging.Transforms;
using CxrVL.Methods.Alignment;
using CxrVL.Methods.Encoders;
using CxrVL.Models;
using CxrVL.Training;
using static TorchSharp.torch;

namespace CxrVL.Tests.Methods.Toy;

/// <summary>
/// A method written outside CxrVL, as a user would add one: this folder (its config and its model) and the
/// descriptor below, registered with one line (<c>PretrainingMethods.BuiltIn.With(ToyAlignmentMethod.Descriptor)</c>), which
/// also registers the image recipe and the report cleaner it brings. Linear heads over the shared encoders and a
/// fixed-temperature InfoNCE.
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

    /// <summary>The toy's own image recipe: gray radiographs letterboxed to 108 px and cropped to 96, three channels.</summary>
    public static ImageRecipe ImageRecipe { get; } = new("toy-96", "toy method (letterbox 108, crop 96)", 96, 3, ColorMode.Gray,
        Normalization.Uniform(0.5f, 0.5f), [new Letterbox(108), new RandomCrop(96)], [new Letterbox(108), new CenterCrop(96)]);

    public static PretrainingMethodDescriptor Descriptor { get; } =
        PretrainingMethodDescriptor.For<ToyModelConfig>((model, text) => new ToyAlignmentMethod(model, text),
            defaultImageRecipe: ImageRecipe.Name, imageRecipes: [ImageRecipe],
            defaultReportCleaner: "toy-words", reportCleaners: new Dictionary<string, Func<CxrVL.Text.Cleaning.IReportCleaner>> { ["toy-words"] = () => new ToyWordsCleaner() });

    public nn.Module Model => this;

    public LossTerms Loss(AlignmentBatch batch, TrainingProgress progress)
    {
        var global = ContrastiveLoss.InfoNce(EmbedImages(batch.Images), EmbedTexts(batch.Text), _temperature, DirectionReduction.Mean, progress.Global);
        return LossTerms.Weighted(new Dictionary<string, Tensor> { ["global"] = global }, progress.LossWeights);
    }

    public Tensor EmbedImages(Tensor images) => nn.functional.normalize(image_head.forward(image_encoder.forward(images).Global), dim: -1);

    public Tensor EmbedTexts(TextInput text) => nn.functional.normalize(text_head.forward(text_encoder.EncodeGlobal(text)), dim: -1);
}
