using System.Reflection;
using CxrVL.Configuration;
using CxrVL.Methods.Encoders;
using YamlDotNet.RepresentationModel;

namespace CxrVL.Tasks.Pretraining;

/// <summary>
/// Loads pretraining recipes. The method comes first: every method recipe states it (<c>method: prior</c>), a method
/// asked for (<c>--method</c>) must agree with every recipe that states one, and the <c>model:</c> section then binds to
/// that method's own config type, so a key the method does not read is an error naming the key and the method. An
/// overlay shared by several methods (<c>pretrain/small</c>) states no method; keys only some methods read go in its
/// <c>by_method:</c> block, which applies the part under the run's method.
/// </summary>
public static class PretrainRecipes
{
    /// <summary>The sections every method read before each had its own config type; a run's config.yaml that holds them all predates it.</summary>
    private static readonly string[] UnionSections = ["gloria", "mgca", "medst", "prior", "mrm"];

    /// <summary>
    /// Recipes in order (later ones override), then the <c>key=value</c> overrides. <paramref name="method"/>: the method
    /// asked for, or null to take the one the recipes state.
    /// </summary>
    public static PretrainConfig Load(IReadOnlyList<string> recipePaths, IEnumerable<string>? overrides = null, string? method = null,
                                      PretrainingMethods? methods = null)
    {
        methods ??= PretrainingMethods.BuiltIn;
        var (name, merged) = MethodRecipes.Read(recipePaths, overrides, method, methods.Names.ToList(), named => methods.Get(named).Name);
        return Bind(merged, methods.Get(name));
    }

    /// <summary>
    /// A run folder's <c>config.yaml</c>. One written before each method had its own config type records every method's
    /// section; the sections and keys its method does not read are dropped, as that version ignored them too.
    /// </summary>
    public static PretrainConfig LoadRun(string configPath, PretrainingMethods? methods = null)
    {
        methods ??= PretrainingMethods.BuiltIn;
        var tree = ConfigLoader.ReadTree(configPath);
        var name = MethodRecipes.Stated(tree, $"run configuration '{configPath}'")?.Name
                   ?? throw new ConfigException($"run configuration '{configPath}' names no method (key 'method'): it was not written by 'cxrvl pretrain'.");
        var descriptor = methods.Get(name);
        if (tree.Children.TryGetValue(new YamlScalarNode("model"), out var model) && model is YamlMappingNode section &&
            UnionSections.All(s => section.Children.ContainsKey(new YamlScalarNode(s))))
            KeepKeysOf(section, descriptor.ConfigType);
        try
        {
            return Bind(tree, descriptor);
        }
        catch (ConfigException e)
        {
            throw new ConfigException($"run configuration '{configPath}': {e.Message}");
        }
    }

    private static PretrainConfig Bind(YamlMappingNode tree, PretrainingMethodDescriptor descriptor)
    {
        tree.Children.Remove(new YamlScalarNode(MethodRecipes.MethodKey));
        var data = tree.Children.TryGetValue(new YamlScalarNode("data"), out var node) ? node as YamlMappingNode : null;
        if (data is null || !data.Children.ContainsKey(new YamlScalarNode("image_recipe")))
            ConfigLoader.ApplyOverride(tree, $"data.image_recipe={descriptor.DefaultImageRecipe}");
        if (descriptor.DefaultReportCleaner is { } cleaner && (data is null || !data.Children.ContainsKey(new YamlScalarNode("cleaner"))))
            ConfigLoader.ApplyOverride(tree, $"data.cleaner={cleaner}");
        return ConfigLoader.Bind(tree, new PretrainConfig { Model = descriptor.NewConfig() });
    }

    /// <summary>Removes the keys <paramref name="type"/> does not declare, in every section below it.</summary>
    private static void KeepKeysOf(YamlMappingNode node, Type type)
    {
        var keys = ConfigLoader.KeysOf(type);
        foreach (var (key, value) in node.Children.ToList())
        {
            if (!keys.TryGetValue(((YamlScalarNode)key).Value ?? "", out var property))
                node.Children.Remove(key);
            else if (value is YamlMappingNode section && IsSection(property))
                KeepKeysOf(section, property.PropertyType);
        }
    }

    private static bool IsSection(PropertyInfo property) =>
        property.PropertyType.IsClass && property.PropertyType != typeof(string) && property.PropertyType.Assembly == typeof(PretrainRecipes).Assembly;
}
