using System.Reflection;
using CxrVL.Configuration;
using YamlDotNet.RepresentationModel;

namespace CxrVL.Tests.Configuration;

/// <summary>
/// Checks that a recipe's keys are read by a configuration type, independently of the loader: each key is turned into
/// the C# name recipes spell (snake_case to PascalCase) and looked up by reflection as a public settable property.
/// </summary>
internal static class RecipeKeys
{
    /// <summary>
    /// Asserts every <c>model:</c> key of each recipe, and of each part of its <c>by_method:</c> block, is read by its
    /// method's config type (<paramref name="configType"/> by method name); a recipe that states no method by every one of
    /// <paramref name="methods"/>. Returns how many keys were checked.
    /// </summary>
    public static int AssertModelKeysRead(IEnumerable<string> recipePaths, IReadOnlyList<string> methods, Func<string, Type> configType)
    {
        var checkedKeys = 0;
        foreach (var path in recipePaths)
        {
            var tree = ConfigLoader.ReadTree(path);
            var stated = tree.Children.TryGetValue(new YamlScalarNode("method"), out var method) ? ((YamlScalarNode)method).Value : null;
            foreach (var reader in stated is null ? methods : [stated])
                checkedKeys += AssertRead(Section(tree, "model"), configType(reader), "model", path, reader);
            if (Section(tree, "by_method") is { } byMethod)
            {
                foreach (var (name, part) in byMethod.Children)
                {
                    var reader = ((YamlScalarNode)name).Value!;
                    checkedKeys += AssertRead(Section((YamlMappingNode)part, "model"), configType(reader), "model", path, reader);
                }
            }
        }
        return checkedKeys;
    }

    private static YamlMappingNode? Section(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (YamlMappingNode)value : null;

    /// <summary>Asserts every key of <paramref name="section"/> (and of its sub-sections) is read by <paramref name="type"/>; returns how many were checked.</summary>
    private static int AssertRead(YamlMappingNode? section, Type type, string prefix, string path, string method)
    {
        if (section is null)
            return 0;
        var count = 0;
        foreach (var (keyNode, value) in section.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value!;
            var name = string.Concat(key.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
            var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
            Assert.True(property?.SetMethod is { IsPublic: true }, $"{path}: {prefix}.{key} is not read by {method} ({type.Name})");
            count++;
            if (value is YamlMappingNode inner && property!.PropertyType.IsClass)
                count += AssertRead(inner, property.PropertyType, $"{prefix}.{key}", path, method);
        }
        return count;
    }
}
