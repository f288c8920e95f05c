using CxrVL.Imaging;
using CxrVL.Models;
using CxrVL.Text.Cleaning;

namespace CxrVL.Methods.Encoders;

/// <summary>
/// What CxrVL knows of a pretraining method, declared by the method's folder and registered in one line: its name, the
/// type its <c>model:</c> section binds to, the image recipe a recipe without <c>data.image_recipe</c> gets and the report
/// cleaner one without <c>data.cleaner</c> gets (names in the catalogs of <c>PretrainingMethods</c>, which a library user can
/// extend, and which the descriptor may bring itself), the config key that sets the image size its model is built for, a check of the run's shape, and how to build it.
/// </summary>
public sealed class PretrainingMethodDescriptor
{
    private readonly Func<PretrainModelConfig> _newConfig;
    private readonly Func<PretrainModelConfig, BertConfig, IPretrainingMethod> _create;
    private readonly Func<PretrainModelConfig, int> _imageSize;
    private readonly Action<PretrainModelConfig, int> _validateRun;

    private PretrainingMethodDescriptor(string name, Type configType, string defaultImageRecipe, string? defaultReportCleaner, string imageSizeKey,
                                        Func<PretrainModelConfig> newConfig, Func<PretrainModelConfig, BertConfig, IPretrainingMethod> create,
                                        Func<PretrainModelConfig, int> imageSize, Action<PretrainModelConfig, int> validateRun,
                                        IReadOnlyList<ImageRecipe> imageRecipes, IReadOnlyDictionary<string, Func<IReportCleaner>> reportCleaners)
    {
        Name = name;
        ConfigType = configType;
        DefaultImageRecipe = defaultImageRecipe;
        DefaultReportCleaner = defaultReportCleaner;
        ImageSizeKey = imageSizeKey;
        _newConfig = newConfig;
        _create = create;
        _imageSize = imageSize;
        _validateRun = validateRun;
        ImageRecipes = imageRecipes;
        ReportCleaners = reportCleaners;
    }

    /// <summary>The name recipes and <c>--method</c> use (the config type's <see cref="PretrainModelConfig.Method"/>).</summary>
    public string Name { get; }

    /// <summary>The only type the method's <c>model:</c> section binds to.</summary>
    public Type ConfigType { get; }

    /// <summary>Name in <c>ImageRecipes</c> used when a recipe names none.</summary>
    public string DefaultImageRecipe { get; }

    /// <summary>Name in <c>ReportCleaners</c> used when a recipe names none; null: reports and prompts as they are written.</summary>
    public string? DefaultReportCleaner { get; }

    /// <summary>Image recipes the method brings (a method defined outside CxrVL): registering the method registers them.</summary>
    public IReadOnlyList<ImageRecipe> ImageRecipes { get; }

    /// <summary>Report cleaners the method brings, by name, each a factory of fresh cleaners.</summary>
    public IReadOnlyDictionary<string, Func<IReportCleaner>> ReportCleaners { get; }

    /// <summary>
    /// The config key that sets the size of the images the model is built for: the data recipe's images must have that
    /// size, or the key would be recorded yet ignored (a ResNet takes any size) or fail late.
    /// </summary>
    public string ImageSizeKey { get; }

    /// <summary>
    /// Declares a method. <paramref name="defaultReportCleaner"/> cleans every report and prompt the method reads unless
    /// the recipe names another (<c>data.cleaner</c>). <paramref name="imageSize"/> defaults to <c>model.image.image_size</c> (an encoder that takes the
    /// recipe's images as they are); <paramref name="validateRun"/> gets the model section and the number of ranks and
    /// throws a <see cref="CxrVLException"/> for a shape of run the method cannot train in. <paramref name="imageRecipes"/> and
    /// <paramref name="reportCleaners"/>: recipes and cleaners of the method's own, which its defaults may name.
    /// </summary>
    public static PretrainingMethodDescriptor For<TConfig>(Func<TConfig, BertConfig, IPretrainingMethod> create, string defaultImageRecipe,
                                                           (string Key, Func<TConfig, int> Size)? imageSize = null,
                                                           Action<TConfig, int>? validateRun = null, string? defaultReportCleaner = null,
                                                           IReadOnlyList<ImageRecipe>? imageRecipes = null,
                                                           IReadOnlyDictionary<string, Func<IReportCleaner>>? reportCleaners = null)
        where TConfig : PretrainModelConfig, new()
    {
        var name = new TConfig().Method;
        var (key, size) = imageSize ?? ("model.image.image_size", model => model.Image.ImageSize);
        return new PretrainingMethodDescriptor(name, typeof(TConfig), defaultImageRecipe, defaultReportCleaner, key, () => new TConfig(),
            (model, text) => create(Typed<TConfig>(name, model), text),
            model => size(Typed<TConfig>(name, model)),
            (model, ranks) => validateRun?.Invoke(Typed<TConfig>(name, model), ranks),
            imageRecipes ?? [], reportCleaners ?? new Dictionary<string, Func<IReportCleaner>>());
    }

    /// <summary>A fresh <c>model:</c> section of the method's type, with its defaults.</summary>
    public PretrainModelConfig NewConfig() => _newConfig();

    public IPretrainingMethod Create(PretrainModelConfig model, BertConfig text) => _create(model, text);

    public int ImageSize(PretrainModelConfig model) => _imageSize(model);

    public void ValidateRun(PretrainModelConfig model, int ranks) => _validateRun(model, ranks);

    private static TConfig Typed<TConfig>(string name, PretrainModelConfig model) where TConfig : PretrainModelConfig =>
        model as TConfig ?? throw new CxrVLException(
            $"method {name} reads a model section of type {typeof(TConfig).Name}, not {model.GetType().Name} (the section of method {model.Method}): " +
            "load the recipe with PretrainRecipes.Load, which binds model: to the type of the recipe's method.");
}
