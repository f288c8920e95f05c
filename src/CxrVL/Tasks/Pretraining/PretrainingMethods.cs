using CxrVL.Configuration;
using CxrVL.Imaging;
using CxrVL.Methods.Clip;
using CxrVL.Methods.Encoders;
using CxrVL.Methods.Gloria;
using CxrVL.Methods.MedST;
using CxrVL.Methods.Mgca;
using CxrVL.Methods.Prior;
using CxrVL.Methods.Mrm;
using CxrVL.Models;

namespace CxrVL.Tasks.Pretraining;

/// <summary>The pretraining methods by name: adding a method is one folder under Methods/ and one line here.</summary>
public static class PretrainingMethods
{
    /// <summary>
    /// How to build a method, and the config key that sets the size of the images its model is built for: the data
    /// recipe's images must have that size, or the key would be recorded in config.yaml yet ignored (a ResNet takes any
    /// size) or fail late. MRM's encoder reads a downscaled copy of the target it reconstructs, so its key is the target.
    /// </summary>
    private sealed record Entry(Func<AlignmentConfig, BertConfig, IPretrainingMethod> Create, string ImageSizeKey, Func<AlignmentConfig, int> ImageSize);

    private static readonly IReadOnlyDictionary<string, Entry> Entries =
        new Dictionary<string, Entry>(StringComparer.OrdinalIgnoreCase)
        {
            ["clip"] = ImageEncoder((model, text) => new ClipMethod(model, text)),
            ["gloria"] = ImageEncoder((model, text) => new GloriaMethod(model, text)),
            ["mgca"] = ImageEncoder((model, text) => new MgcaMethod(model, text)),
            ["medst"] = ImageEncoder((model, text) => new MedstMethod(model, text)),
            ["prior"] = ImageEncoder((model, text) => new PriorMethod(model, text)),
            ["mrm"] = new((model, text) => new MrmMethod(model, text), "model.mrm.target_image_size", model => model.Mrm.TargetImageSize),
        };

    /// <summary>A method whose image encoder takes the recipe's images as they are: <c>model.image.image_size</c>.</summary>
    private static Entry ImageEncoder(Func<AlignmentConfig, BertConfig, IPretrainingMethod> create) =>
        new(create, "model.image.image_size", model => model.Image.ImageSize);

    public static IEnumerable<string> Names => Entries.Keys.Order(StringComparer.Ordinal);

    public static IPretrainingMethod Create(string name, AlignmentConfig model, BertConfig text) => Get(name).Create(model, text);

    /// <summary>
    /// Checks a pretraining recipe before anything runs: every value in its declared range, a known method, and images
    /// from the data recipe of the size the method's model is configured for.
    /// </summary>
    public static void Validate(PretrainConfig config)
    {
        ConfigValidator.Validate(config);
        var entry = Get(config.Method);
        var recipe = ImageRecipes.Get(config.Data.ImageRecipe);
        var size = entry.ImageSize(config.Model);
        if (size == recipe.Size)
            return;
        var matching = ImageRecipes.Names.Where(n => ImageRecipes.Get(n).Size == size).ToList();
        throw new ConfigException(
            $"config key '{entry.ImageSizeKey}' is {size}, but data.image_recipe '{recipe.Name}' gives {config.Method} images of {recipe.Size} px: " +
            $"set {entry.ImageSizeKey}={recipe.Size}, or choose a recipe of {size} px " +
            (matching.Count == 0 ? "(none is built in)." : $"(data.image_recipe: {string.Join(", ", matching)})."));
    }

    private static Entry Get(string name) =>
        Entries.TryGetValue(name, out var entry)
            ? entry
            : throw new CxrVLException($"unknown pretraining method '{name}'." +
                                       (NameSuggester.Closest(name, Entries.Keys) is { } hint ? $" Did you mean '{hint}'?" : "") +
                                       $" Known: {string.Join(", ", Names)}.");
}
