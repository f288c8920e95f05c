using CxrVL.Configuration;
using CxrVL.Imaging.Transforms;

namespace CxrVL.Imaging;

/// <summary>
/// A catalog of named per-model image recipes (anchors §1.1); configs pick one by name (<c>data.image_recipe: mgca</c>).
/// <see cref="BuiltIn"/> holds CxrVL's; a library user adds their own with <see cref="With"/> (or through
/// <c>PretrainingMethods.WithImageRecipe</c>) without editing CxrVL. Gray radiographs are decoded to one channel and
/// copied to three where the model takes RGB.
/// </summary>
public sealed class ImageRecipes
{
    // Before BuiltIn, whose initialiser reads it.
    /// <summary>resnet18-imagenet's input: RGB on the 0-255 scale less its mean image's channel means.</summary>
    public static Normalization PackageResNet18 { get; } = new([0.48294755f, 0.45452112f, 0.40416715f], [1f / 255, 1f / 255, 1f / 255]);

    public static ImageRecipes BuiltIn { get; } = new(Build());

    private readonly IReadOnlyDictionary<string, ImageRecipe> _byName;

    public ImageRecipes(IEnumerable<ImageRecipe> recipes)
    {
        var byName = new Dictionary<string, ImageRecipe>(StringComparer.OrdinalIgnoreCase);
        foreach (var recipe in recipes)
        {
            if (!byName.TryAdd(recipe.Name, recipe))
                throw new CxrVLException($"two image recipes are named '{recipe.Name}'; each needs its own name.");
        }
        _byName = byName;
    }

    /// <summary>This catalog and one more recipe.</summary>
    public ImageRecipes With(ImageRecipe recipe) => new([.. _byName.Values, recipe]);

    public IEnumerable<string> Names => _byName.Keys.Order(StringComparer.Ordinal);

    public ImageRecipe Get(string name)
    {
        if (_byName.TryGetValue(name, out var recipe))
            return recipe;
        var hint = NameSuggester.Closest(name, _byName.Keys);
        throw new CxrVLException(
            $"unknown image recipe '{name}'." + (hint is null ? "" : $" Did you mean '{hint}'?") + $" Known: {string.Join(", ", Names)}.");
    }

    private static IEnumerable<ImageRecipe> Build()
    {
        const Interpolation linear = Interpolation.Linear;
        const Interpolation cubic = Interpolation.Cubic;
        IImageTransform[] prior = [new Resize(224, 224, linear)];
        yield return new ImageRecipe("prior", "PRIOR pretraining (MIMIC-CXR)", 224, 1, ColorMode.Gray, Normalization.Uniform(0.4755f, 0.3011f),
            [.. prior, new RandomAffine(5), new HorizontalFlip()], prior);
        IImageTransform[] priorSmall = [new Resize(128, 128, linear)];
        yield return new ImageRecipe("prior-small", "PRIOR pretraining at 128 px (small CPU runs)", 128, 1, ColorMode.Gray,
            Normalization.Uniform(0.4755f, 0.3011f), [.. priorSmall, new RandomAffine(5), new HorizontalFlip()], priorSmall);
        // The same for a stem summed from the package ResNet-18's RGB one (model.image.init: resnet18-imagenet): gray on the
        // 0-255 scale less the mean of its three channel means.
        yield return new ImageRecipe("prior-small-resnet18-imagenet", "PRIOR pretraining at 128 px from the package ImageNet ResNet-18 (its mean, 0-255 scale)",
            128, 1, ColorMode.Gray, Normalization.Uniform(PackageResNet18.Mean.Average(), 1f / 255),
            [.. priorSmall, new RandomAffine(5), new HorizontalFlip()], priorSmall);
        yield return new ImageRecipe("prior-chexpert", "PRIOR zero-shot (CheXpert)", 224, 1, ColorMode.Gray,
            Normalization.Uniform(0.50627312f, 0.28946775f), prior, prior);

        IImageTransform[] letterbox = [new Letterbox(256)];
        foreach (var name in new[] { "mgca", "medst" })
        {
            yield return new ImageRecipe(name, "MGCA / MedST (letterbox 256, crop 224)", 224, 3, ColorMode.Gray, Normalization.Uniform(0.5f, 0.5f),
                [.. letterbox, new RandomCrop(224)], [.. letterbox, new CenterCrop(224)]);
        }

        var mrm = Normalization.Uniform(0.4978f, 0.2449f);
        yield return new ImageRecipe("mrm-pretrain", "MRM pretraining (448)", 448, 3, ColorMode.Gray, mrm,
            [new RandomResizedCrop(448, 0.2, 1.0, Interpolation: cubic), new HorizontalFlip()],
            [Resize.Shorter(448, cubic), new CenterCrop(448)]);
        yield return new ImageRecipe("mrm-pretrain-small", "MRM pretraining for small CPU runs (224)", 224, 3, ColorMode.Gray, mrm,
            [new RandomResizedCrop(224, 0.2, 1.0, Interpolation: cubic), new HorizontalFlip()],
            [Resize.Shorter(224, cubic), new CenterCrop(224)]);
        yield return new ImageRecipe("mrm", "MRM fine-tuning (NIH, CheXpert, RSNA, COVID)", 224, 3, ColorMode.Gray, mrm,
            [new RandomResizedCrop(224), new HorizontalFlip()],
            [Resize.Shorter(224), new CenterCrop(224)]);
        yield return new ImageRecipe("mrm-siim", "MRM SIIM segmentation (mmseg, 512)", 512, 3, ColorMode.Gray, mrm,
            [new Letterbox(512, linear, Centered: false), new HorizontalFlip()],
            [new Letterbox(512, linear, Centered: false)]);

        foreach (var name in new[] { "xpronet", "r2gen" })
        {
            yield return new ImageRecipe(name, "XProNet / R2Gen report generation", 224, 3, ColorMode.Color, Normalization.ImageNet,
                [Resize.Shorter(256), new RandomCrop(224)], [new Resize(224, 224)]);
        }

        IImageTransform[] chexzero = [new Letterbox(320), new Resize(224, 224, cubic)];
        yield return new ImageRecipe("chexzero", "CheXzero (320 letterbox, 224 bicubic)", 224, 3, ColorMode.Gray,
            Normalization.Uniform(101.48761f / 255, 83.43944f / 255), chexzero, chexzero);

        IImageTransform[] medclip = [new Resize(224, 224)];
        yield return new ImageRecipe("medclip", "MedCLIP", 224, 3, ColorMode.Gray, Normalization.Uniform(0.5862785803f, 0.2795008897f),
            medclip, medclip);

        IImageTransform[] biovil = [Resize.Shorter(512), new CenterCrop(480)];
        yield return new ImageRecipe("biovil", "BioViL (512, centre 480, raw [0,1])", 480, 3, ColorMode.Gray, Normalization.None, biovil, biovil);
        IImageTransform[] biovilT = [Resize.Shorter(512), new CenterCrop(448)];
        yield return new ImageRecipe("biovil-t", "BioViL-T (512, centre 448, raw [0,1])", 448, 3, ColorMode.Gray, Normalization.None, biovilT, biovilT);

        // TorchXRayVision maps [0, 1] to [-1024, 1024]: (x - 0.5) / (1 / 2048).
        IImageTransform[] xrv = [new SquareCrop(), new Resize(224, 224)];
        yield return new ImageRecipe("xrv", "TorchXRayVision", 224, 1, ColorMode.Gray, Normalization.Uniform(0.5f, 1f / 2048), xrv, xrv);

        // Small CPU runs (tests, the quickstart): the MGCA recipe at 128 px.
        IImageTransform[] small = [new Letterbox(144)];
        yield return new ImageRecipe("small", "Small CPU runs (letterbox 144, crop 128, MGCA normalisation)", 128, 3, ColorMode.Gray,
            Normalization.Uniform(0.5f, 0.5f), [.. small, new RandomCrop(128)], [.. small, new CenterCrop(128)]);

        // The same at the input convention of the package ResNet-18 (cxrvl weights get resnet18-imagenet): 0-255 scale less
        // the channel means of its mean image (its config.json; the test of the package weights checks them).
        yield return new ImageRecipe("small-resnet18-imagenet", "Small CPU runs for the package ImageNet ResNet-18 (letterbox 144, crop 128, its channel means, 0-255 scale)",
            128, 3, ColorMode.Gray, PackageResNet18, [.. small, new RandomCrop(128)], [.. small, new CenterCrop(128)]);

        IImageTransform[] imagenet = [Resize.Shorter(256), new CenterCrop(224)];
        yield return new ImageRecipe("imagenet", "ImageNet evaluation (resize 256, centre 224)", 224, 3, ColorMode.Color, Normalization.ImageNet,
            [new RandomResizedCrop(224), new HorizontalFlip()], imagenet);
    }
}
