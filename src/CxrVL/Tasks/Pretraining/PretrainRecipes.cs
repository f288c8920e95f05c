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
    private const string MethodKey = "method";
    private const string ByMethodKey = "by_method";

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
        var files = recipePaths.Select(path => (Path: path, Tree: ConfigLoader.ReadTree(path))).ToList();
        var assignments = (overrides ?? []).ToList();
        (string Name, string Source)? stated = method is null ? null : (method, "the method asked for");
        foreach (var (path, tree) in files)
            stated = Agree(stated, StatedMethod(tree, $"recipe '{path}'"), methods);
        var overridden = new YamlMappingNode();
        foreach (var assignment in assignments)
            ConfigLoader.ApplyOverride(overridden, assignment);
        stated = Agree(stated, StatedMethod(overridden, "--set method"), methods);
        if (stated is not { } named)
            throw new ConfigException($"no recipe states its method: add 'method: <name>' to the recipe ({string.Join(", ", recipePaths)}) " +
                                      $"or name the method; known methods: {string.Join(", ", methods.Names)}.");
        var descriptor = methods.Get(named.Name);

        var merged = new YamlMappingNode();
        foreach (var (path, tree) in files)
        {
            var byMethod = Take(tree, ByMethodKey);
            ConfigLoader.Merge(merged, tree);
            if (byMethod is not null)
                ConfigLoader.Merge(merged, MethodPart(byMethod, descriptor.Name, path, methods));
        }
        foreach (var assignment in assignments)
            ConfigLoader.ApplyOverride(merged, assignment);
        return Bind(merged, descriptor);
    }

    /// <summary>
    /// A run folder's <c>config.yaml</c>. One written before each method had its own config type records every method's
    /// section; the sections and keys its method does not read are dropped, as that version ignored them too.
    /// </summary>
    public static PretrainConfig LoadRun(string configPath, PretrainingMethods? methods = null)
    {
        methods ??= PretrainingMethods.BuiltIn;
        var tree = ConfigLoader.ReadTree(configPath);
        var name = StatedMethod(tree, $"run configuration '{configPath}'")?.Name
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
        tree.Children.Remove(new YamlScalarNode(MethodKey));
        var data = tree.Children.TryGetValue(new YamlScalarNode("data"), out var node) ? node as YamlMappingNode : null;
        if (data is null || !data.Children.ContainsKey(new YamlScalarNode("image_recipe")))
            ConfigLoader.ApplyOverride(tree, $"data.image_recipe={descriptor.DefaultImageRecipe}");
        if (descriptor.DefaultReportCleaner is { } cleaner && (data is null || !data.Children.ContainsKey(new YamlScalarNode("cleaner"))))
            ConfigLoader.ApplyOverride(tree, $"data.cleaner={cleaner}");
        return ConfigLoader.Bind(tree, new PretrainConfig { Model = descriptor.NewConfig() });
    }

    private static (string Name, string Source)? StatedMethod(YamlMappingNode tree, string source) =>
        tree.Children.TryGetValue(new YamlScalarNode(MethodKey), out var node)
            ? node is YamlScalarNode { Value: { Length: > 0 } name } ? (name, source) : throw new ConfigException($"{source}: 'method' must be a method name.")
            : null;

    private static (string Name, string Source)? Agree((string Name, string Source)? first, (string Name, string Source)? second, PretrainingMethods methods)
    {
        if (first is not { } a || second is not { } b)
            return first ?? second;
        if (!string.Equals(methods.Get(a.Name).Name, methods.Get(b.Name).Name, StringComparison.Ordinal))
            throw new ConfigException($"{b.Source} is for method '{b.Name}', but {a.Source} is '{a.Name}': use the recipe of method '{a.Name}' or ask for '{b.Name}'.");
        return first;
    }

    private static YamlNode? Take(YamlMappingNode tree, string key)
    {
        var scalar = new YamlScalarNode(key);
        if (!tree.Children.TryGetValue(scalar, out var value))
            return null;
        tree.Children.Remove(scalar);
        return value;
    }

    /// <summary>The part of a <c>by_method:</c> block for <paramref name="method"/>; every name in it must be a method.</summary>
    private static YamlMappingNode MethodPart(YamlNode block, string method, string path, PretrainingMethods methods)
    {
        if (block is not YamlMappingNode mapping)
            throw new ConfigException($"recipe '{path}': '{ByMethodKey}' must map method names to recipe keys.");
        YamlMappingNode? part = null;
        foreach (var (key, value) in mapping.Children)
        {
            var name = ((YamlScalarNode)key).Value ?? "";
            if (!methods.Names.Contains(name, StringComparer.OrdinalIgnoreCase))
                throw new ConfigException($"recipe '{path}': '{ByMethodKey}.{name}' is not a method; known: {string.Join(", ", methods.Names)}.");
            if (value is not YamlMappingNode keys)
                throw new ConfigException($"recipe '{path}': '{ByMethodKey}.{name}' must hold recipe keys (for example model: {{...}}).");
            if (string.Equals(name, method, StringComparison.OrdinalIgnoreCase))
                part = keys;
        }
        return part ?? new YamlMappingNode();
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
