using System.Reflection;
using CxrVL.Configuration;
using YamlDotNet.RepresentationModel;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>
/// Loads report-generation recipes as <c>PretrainRecipes</c> loads pretraining ones: the method comes first (the
/// one asked for, <c>--method</c>, must agree with every recipe that states one), and the <c>model:</c> section binds to
/// that method's own config type, so a key the method does not read (<c>--set model.topk=3</c> with r2gen) is an error
/// naming the key and the method. The CPU overlay <c>rrg/small</c>, shared by both methods, sets each one's own keys in
/// its <c>by_method:</c> block.
/// </summary>
public static class RrgRecipes
{
    /// <summary>
    /// What the shipped <c>rrg/small</c> overlay wrote into the config.yaml of every run of either method before each had
    /// its own config type (and its <c>rm_d_model: 256</c>, the run's <c>d_model</c>): the other method's keys at these
    /// values were set by the overlay, not by the user.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> UnionSmallOverlay = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["topk"] = "8", ["num_prototypes"] = "5", ["d_txt"] = "128",
    };

    /// <summary>
    /// Recipes in order (later ones override), then the <c>key=value</c> overrides. <paramref name="method"/>: the method
    /// asked for, or null to take the one the recipes state.
    /// </summary>
    public static RrgConfig Load(IReadOnlyList<string> recipePaths, IEnumerable<string>? overrides = null, string? method = null)
    {
        var (name, merged) = MethodRecipes.Read(recipePaths, overrides, method, ReportGenerationMethods.Names.ToList(), named => ReportGenerationMethods.Get(named).Name);
        return Bind(merged, ReportGenerationMethods.Get(name));
    }

    /// <summary>
    /// A run folder's <c>config.yaml</c>. One written before each method had its own config type records the other
    /// method's keys too; those that version recorded without the user asking (<see cref="SetWithoutTheUser"/>) are
    /// dropped, as it ignored them; another value is an error, since the run was trained without what it says.
    /// </summary>
    public static RrgConfig LoadRun(string configPath)
    {
        var tree = ConfigLoader.ReadTree(configPath);
        // Run folders have always recorded their method; the union type's default was xpronet.
        var descriptor = ReportGenerationMethods.Get(MethodRecipes.Stated(tree, $"run configuration '{configPath}'")?.Name ?? "xpronet");
        try
        {
            if (tree.Children.TryGetValue(new YamlScalarNode("model"), out var model) && model is YamlMappingNode section)
                DropOtherMethodsKeys(section, descriptor);
            return Bind(tree, descriptor);
        }
        catch (ConfigException e)
        {
            throw new ConfigException($"run configuration '{configPath}': {e.Message}");
        }
    }

    private static RrgConfig Bind(YamlMappingNode tree, ReportGenerationMethod descriptor)
    {
        tree.Children.Remove(new YamlScalarNode(MethodRecipes.MethodKey));
        return ConfigLoader.Bind(tree, new RrgConfig { Model = descriptor.NewConfig() });
    }

    private static void DropOtherMethodsKeys(YamlMappingNode section, ReportGenerationMethod descriptor)
    {
        var own = ConfigLoader.KeysOf(descriptor.ConfigType);
        foreach (var (keyNode, value) in section.Children.ToList())
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            if (own.ContainsKey(key))
                continue;
            foreach (var other in ReportGenerationMethods.Names.Select(ReportGenerationMethods.Get).Where(m => m.ConfigType != descriptor.ConfigType))
            {
                if (!ConfigLoader.KeysOf(other.ConfigType).TryGetValue(key, out var property))
                    continue;
                if (!SetWithoutTheUser(other, property, value, section))
                    throw new ConfigException($"model.{key} is {value} there, a key of method {other.Name} that method {descriptor.Name} does not read " +
                                              $"(an earlier CxrVL recorded it without using it): delete the line to load the run as the {descriptor.Name} model it was trained as.");
                section.Children.Remove(keyNode);
            }
        }
    }

    /// <summary>
    /// Whether the union type recorded <paramref name="value"/> for the other method's key without the user asking: its
    /// default, the value <c>rrg/small</c> gave both methods, or, for <c>rm_d_model</c> (which R2Gen requires equal to
    /// <c>d_model</c>), the run's transformer width.
    /// </summary>
    private static bool SetWithoutTheUser(ReportGenerationMethod other, PropertyInfo property, YamlNode value, YamlMappingNode section)
    {
        var key = ConfigLoader.KeyName(property.Name);
        var written = ValueOf(other, key, value);
        return Equals(written, property.GetValue(other.NewConfig())) ||
               (UnionSmallOverlay.TryGetValue(key, out var overlay) && Equals(written, ValueOf(other, key, new YamlScalarNode(overlay)))) ||
               (key == "rm_d_model" && section.Children.TryGetValue(new YamlScalarNode("d_model"), out var width) && Equals(written, ValueOf(other, key, width)));
    }

    /// <summary>The value <paramref name="node"/> gives <paramref name="key"/> of <paramref name="method"/>'s section.</summary>
    private static object? ValueOf(ReportGenerationMethod method, string key, YamlNode node)
    {
        var section = ConfigLoader.Bind(new YamlMappingNode(new YamlScalarNode(key), node), method.NewConfig());
        return ConfigLoader.KeysOf(method.ConfigType)[key].GetValue(section);
    }
}
