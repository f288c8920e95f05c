using YamlDotNet.RepresentationModel;

namespace CxrVL.Configuration;

/// <summary>
/// What pretraining and report-generation recipes share about the method they are for: the <c>method:</c> a recipe
/// states, the agreement of every statement with the method asked for, and the <c>by_method:</c> block by which an
/// overlay shared by several methods (<c>pretrain/small</c>, <c>rrg/small</c>) sets keys only some of them read.
/// </summary>
public static class MethodRecipes
{
    public const string MethodKey = "method";
    public const string ByMethodKey = "by_method";

    /// <summary>
    /// Reads recipes in order (later ones override), settles their method (<paramref name="method"/>: the one asked for,
    /// or null to take the one the recipes state) and merges them, each with its <c>by_method:</c> part, then the
    /// <c>key=value</c> overrides. <paramref name="canonical"/> resolves a method name, throwing for an unknown one.
    /// </summary>
    /// <returns>The method's canonical name and the tree to bind.</returns>
    public static (string Method, YamlMappingNode Tree) Read(IReadOnlyList<string> recipePaths, IEnumerable<string>? overrides, string? method,
                                                              IReadOnlyCollection<string> methods, Func<string, string> canonical)
    {
        var files = recipePaths.Select(path => (Path: path, Tree: ConfigLoader.ReadTree(path))).ToList();
        var assignments = (overrides ?? []).ToList();
        (string Name, string Source)? stated = method is null ? null : (method, "the method asked for");
        foreach (var (path, tree) in files)
            stated = Agree(stated, Stated(tree, $"recipe '{path}'"), canonical);
        var overridden = new YamlMappingNode();
        foreach (var assignment in assignments)
            ConfigLoader.ApplyOverride(overridden, assignment);
        stated = Agree(stated, Stated(overridden, "--set method"), canonical);
        if (stated is not { } named)
            throw new ConfigException($"no recipe states its method: add 'method: <name>' to the recipe ({string.Join(", ", recipePaths)}) " +
                                      $"or name the method; known methods: {string.Join(", ", methods)}.");
        var name = canonical(named.Name);
        var merged = Merge(files, name, methods);
        foreach (var assignment in assignments)
            ConfigLoader.ApplyOverride(merged, assignment);
        return (name, merged);
    }

    /// <summary>The method <paramref name="tree"/> states, with <paramref name="source"/> for the messages; null when it states none.</summary>
    public static (string Name, string Source)? Stated(YamlMappingNode tree, string source) =>
        tree.Children.TryGetValue(new YamlScalarNode(MethodKey), out var node)
            ? node is YamlScalarNode { Value: { Length: > 0 } name } ? (name, source) : throw new ConfigException($"{source}: 'method' must be a method name.")
            : null;

    /// <summary>The first statement, after checking that the second names the same method (<paramref name="canonical"/> resolves a name, throwing for an unknown one).</summary>
    private static (string Name, string Source)? Agree((string Name, string Source)? first, (string Name, string Source)? second, Func<string, string> canonical)
    {
        if (first is not { } a || second is not { } b)
            return first ?? second;
        if (!string.Equals(canonical(a.Name), canonical(b.Name), StringComparison.Ordinal))
            throw new ConfigException($"{b.Source} is for method '{b.Name}', but {a.Source} is '{a.Name}': use the recipe of method '{a.Name}' or ask for '{b.Name}'.");
        return first;
    }

    /// <summary>Removes <paramref name="key"/> from <paramref name="tree"/> and returns its value (null when absent).</summary>
    private static YamlNode? Take(YamlMappingNode tree, string key)
    {
        var scalar = new YamlScalarNode(key);
        if (!tree.Children.TryGetValue(scalar, out var value))
            return null;
        tree.Children.Remove(scalar);
        return value;
    }

    /// <summary>Merges each recipe into one tree, with the part of its <c>by_method:</c> block for <paramref name="method"/> over it.</summary>
    private static YamlMappingNode Merge(IEnumerable<(string Path, YamlMappingNode Tree)> files, string method, IReadOnlyCollection<string> methods)
    {
        var merged = new YamlMappingNode();
        foreach (var (path, tree) in files)
        {
            var byMethod = Take(tree, ByMethodKey);
            ConfigLoader.Merge(merged, tree);
            if (byMethod is not null)
                ConfigLoader.Merge(merged, MethodPart(byMethod, method, path, methods));
        }
        return merged;
    }

    /// <summary>The part of a <c>by_method:</c> block for <paramref name="method"/>; every name in it must be one of <paramref name="methods"/>.</summary>
    private static YamlMappingNode MethodPart(YamlNode block, string method, string path, IReadOnlyCollection<string> methods)
    {
        if (block is not YamlMappingNode mapping)
            throw new ConfigException($"recipe '{path}': '{ByMethodKey}' must map method names to recipe keys.");
        YamlMappingNode? part = null;
        foreach (var (key, value) in mapping.Children)
        {
            var name = ((YamlScalarNode)key).Value ?? "";
            if (!methods.Contains(name, StringComparer.OrdinalIgnoreCase))
                throw new ConfigException($"recipe '{path}': '{ByMethodKey}.{name}' is not a method; known: {string.Join(", ", methods)}.");
            if (value is not YamlMappingNode keys)
                throw new ConfigException($"recipe '{path}': '{ByMethodKey}.{name}' must hold recipe keys (for example model: {{...}}).");
            if (string.Equals(name, method, StringComparison.OrdinalIgnoreCase))
                part = keys;
        }
        return part ?? new YamlMappingNode();
    }
}
