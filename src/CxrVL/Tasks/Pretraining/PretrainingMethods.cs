using CxrVL.Configuration;
using CxrVL.Imaging;
using CxrVL.Methods.Clip;
using CxrVL.Methods.Encoders;
using CxrVL.Methods.Gloria;
using CxrVL.Methods.MedST;
using CxrVL.Methods.Mgca;
using CxrVL.Methods.Mrm;
using CxrVL.Methods.Prior;
using CxrVL.Models;
using CxrVL.Text.Cleaning;

namespace CxrVL.Tasks.Pretraining;

/// <summary>
/// A catalog of pretraining methods by name, with the image recipes and report cleaners their recipes may name. Each
/// method folder under <c>Methods/</c> declares its <see cref="PretrainingMethodDescriptor"/>; adding a method to CxrVL is
/// that folder, one line in <see cref="BuiltIn"/> and its recipe. A library user adds their own method, image recipe or
/// cleaner with <see cref="With"/>, <see cref="WithImageRecipe"/> and <see cref="WithReportCleaner"/>, and passes the
/// catalog to the calls that load recipes, train and load models.
/// </summary>
public sealed class PretrainingMethods
{
    public static PretrainingMethods BuiltIn { get; } = new(
    [
        ClipMethod.Descriptor,
        GloriaMethod.Descriptor,
        MgcaMethod.Descriptor,
        MedstMethod.Descriptor,
        PriorMethod.Descriptor,
        MrmMethod.Descriptor,
    ]);

    private readonly IReadOnlyDictionary<string, PretrainingMethodDescriptor> _byName;

    // The catalogs before the descriptors' own recipes and cleaners are added, which every new catalog adds again.
    private readonly ImageRecipes _imageRecipes;
    private readonly ReportCleaners _reportCleaners;

    /// <param name="imageRecipes">Image recipes besides those the methods bring (the built-in ones by default).</param>
    /// <param name="reportCleaners">Report cleaners besides those the methods bring (the built-in ones by default).</param>
    public PretrainingMethods(IEnumerable<PretrainingMethodDescriptor> descriptors, ImageRecipes? imageRecipes = null, ReportCleaners? reportCleaners = null)
    {
        _imageRecipes = imageRecipes ?? ImageRecipes.BuiltIn;
        _reportCleaners = reportCleaners ?? ReportCleaners.BuiltIn;
        var byName = new Dictionary<string, PretrainingMethodDescriptor>(StringComparer.OrdinalIgnoreCase);
        foreach (var descriptor in descriptors)
        {
            if (!byName.TryAdd(descriptor.Name, descriptor))
                throw new CxrVLException($"two pretraining methods are named '{descriptor.Name}'; each needs its own name.");
        }
        _byName = byName;
        ImageRecipes = byName.Values.SelectMany(d => d.ImageRecipes).Aggregate(_imageRecipes, (catalog, recipe) => catalog.With(recipe));
        ReportCleaners = byName.Values.SelectMany(d => d.ReportCleaners).Aggregate(_reportCleaners, (catalog, cleaner) => catalog.With(cleaner.Key, cleaner.Value));
    }

    /// <summary>The image recipes <c>data.image_recipe</c> may name.</summary>
    public ImageRecipes ImageRecipes { get; }

    /// <summary>The cleaning recipes <c>data.cleaner</c> may name.</summary>
    public ReportCleaners ReportCleaners { get; }

    /// <summary>This catalog and one more method.</summary>
    public PretrainingMethods With(PretrainingMethodDescriptor descriptor) => new([.. _byName.Values, descriptor], _imageRecipes, _reportCleaners);

    /// <summary>This catalog and one more image recipe (a method's default, or one any recipe names).</summary>
    public PretrainingMethods WithImageRecipe(ImageRecipe recipe) => new(_byName.Values, _imageRecipes.With(recipe), _reportCleaners);

    /// <summary>This catalog and one more report cleaner; <paramref name="create"/> makes a fresh one each time a run asks for it.</summary>
    public PretrainingMethods WithReportCleaner(string name, Func<IReportCleaner> create) => new(_byName.Values, _imageRecipes, _reportCleaners.With(name, create));

    public IEnumerable<string> Names => _byName.Keys.Order(StringComparer.Ordinal);

    public PretrainingMethodDescriptor Get(string name) =>
        _byName.TryGetValue(name, out var descriptor)
            ? descriptor
            : throw new CxrVLException($"unknown pretraining method '{name}'." +
                                       (NameSuggester.Closest(name, _byName.Keys) is { } hint ? $" Did you mean '{hint}'?" : "") +
                                       $" Known: {string.Join(", ", Names)}.");

    /// <summary>The model of a <c>model:</c> section, built by the section's method.</summary>
    public IPretrainingMethod Create(PretrainModelConfig model, BertConfig text) => Get(model.Method).Create(model, text);

    /// <summary>
    /// Checks a pretraining recipe before anything runs: every value in its declared range, a known method and cleaner, images from
    /// the data recipe of the size the method's model is configured for, and a run of <paramref name="ranks"/> processes
    /// the method can train in.
    /// </summary>
    public void Validate(PretrainConfig config, int ranks = 1)
    {
        ConfigValidator.Validate(config);
        var descriptor = Get(config.Method);
        descriptor.ValidateRun(config.Model, ranks);
        var recipe = ImageRecipes.Get(config.Data.ImageRecipe);
        if (config.Data.Cleaner is { } cleaner)
            ReportCleaners.Create(cleaner);
        var size = descriptor.ImageSize(config.Model);
        if (size == recipe.Size)
            return;
        var key = descriptor.ImageSizeKey;
        var matching = ImageRecipes.Names.Where(n => ImageRecipes.Get(n).Size == size).ToList();
        throw new ConfigException(
            $"config key '{key}' is {size}, but data.image_recipe '{recipe.Name}' gives {config.Method} images of {recipe.Size} px: " +
            $"set {key}={recipe.Size}, or choose a recipe of {size} px " +
            (matching.Count == 0 ? "(none is built in)." : $"(data.image_recipe: {string.Join(", ", matching)})."));
    }
}
