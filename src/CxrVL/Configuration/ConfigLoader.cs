using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Runtime.Serialization;
using CxrVL.Files;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace CxrVL.Configuration;

/// <summary>
/// Reads a YAML recipe, applies <c>--set key.sub=value</c> overrides and binds the result to a typed
/// configuration object whose properties map to snake_case keys. Every key must exist in the type: an unknown
/// key is an error naming the key and the closest valid one, so a typo never silently keeps a default; every value
/// must lie in the range its type declares (<see cref="ConfigValidator"/>).
/// </summary>
public static class ConfigLoader
{
    public static T Load<T>(string? recipePath, IEnumerable<string>? overrides = null) where T : class, new() =>
        LoadAll<T>(recipePath is null ? [] : [recipePath], overrides);

    /// <summary>Several recipes, each overriding the keys of those before it (e.g. a method's recipe, then a small-CPU overlay).</summary>
    public static T LoadAll<T>(IReadOnlyList<string> recipePaths, IEnumerable<string>? overrides = null) where T : class, new()
    {
        var tree = new YamlMappingNode();
        foreach (var path in recipePaths)
            Merge(tree, ReadTree(path));
        foreach (var assignment in overrides ?? [])
            ApplyOverride(tree, assignment);
        return Bind<T>(tree);
    }

    /// <summary>Copies <paramref name="overlay"/> into <paramref name="target"/>: mappings merge key by key, anything else replaces.</summary>
    public static void Merge(YamlMappingNode target, YamlMappingNode overlay)
    {
        foreach (var (key, value) in overlay.Children)
        {
            if (value is YamlMappingNode mapping && target.Children.TryGetValue(key, out var existing) && existing is YamlMappingNode existingMapping)
                Merge(existingMapping, mapping);
            else
                target.Children[key] = value;
        }
    }

    public static YamlMappingNode ReadTree(string path)
    {
        var text = InputFile.ReadText(path, "config file");
        var scanner = new Scanner(new StringReader(text));
        var parser = new FlowTrackingParser(new Parser(scanner));
        var stream = new YamlStream();
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            throw new ConfigException($"{path}:{e.Start.Line}:{e.Start.Column}: not valid YAML ({Reason(e)}{parser.Unclosed()}); fix the recipe.");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this, without a position, on some unclosed flow collections ("{a: 1" followed by
            // another line): where the scanner stopped is where the text stops making sense.
            var at = scanner.CurrentPosition;
            throw new ConfigException($"{path}:{at.Line}:{at.Column}: not valid YAML (this line cannot continue the text before it{parser.Unclosed()}); fix the recipe.");
        }
        if (stream.Documents.Count == 0)
            return new YamlMappingNode();
        return stream.Documents[0].RootNode as YamlMappingNode
            ?? throw new ConfigException($"config file '{path}' must hold a mapping of keys to values at its top level.");
    }

    /// <summary>The parser's reason without the position prefix YamlDotNet puts before it ("(Line: 3, Col: 1, Idx: 20) - (...): ").</summary>
    private static string Reason(YamlException e)
    {
        var message = e.Message;
        var start = message.IndexOf("): ", StringComparison.Ordinal);
        return (message.StartsWith("(Line", StringComparison.Ordinal) && start > 0 ? message[(start + 3)..] : message).TrimEnd('.');
    }

    /// <summary>Applies one <c>key.sub=value</c> assignment; the value is read as YAML (numbers, booleans, [lists]).</summary>
    public static void ApplyOverride(YamlMappingNode root, string assignment)
    {
        var equals = assignment.IndexOf('=');
        if (equals <= 0)
            throw new ConfigException($"override '{assignment}' must have the form key.sub=value.");
        var key = assignment[..equals].Trim();
        var segments = key.Split('.');
        if (segments.Any(string.IsNullOrWhiteSpace))
            throw new ConfigException($"override key '{key}' has an empty segment.");

        var node = root;
        foreach (var segment in segments[..^1])
        {
            if (node.Children.TryGetValue(new YamlScalarNode(segment), out var child) && child is YamlMappingNode mapping)
            {
                node = mapping;
                continue;
            }
            var created = new YamlMappingNode();
            node.Children[new YamlScalarNode(segment)] = created;
            node = created;
        }
        node.Children[new YamlScalarNode(segments[^1])] = ParseValue(assignment[(equals + 1)..], key);
    }

    public static T Bind<T>(YamlMappingNode tree) where T : class, new() => Bind(tree, new T());

    /// <summary>
    /// Binds into <paramref name="config"/> as it is: a section already holding an instance binds to that instance's own
    /// type (a pretraining recipe's <c>model:</c> is the type of its method), so only the keys of that type are accepted.
    /// </summary>
    public static T Bind<T>(YamlMappingNode tree, T config) where T : class
    {
        BindObject(config.GetType(), tree, "", config, owner: null);
        ConfigValidator.Validate(config);
        return config;
    }

    /// <summary>The keys a configuration type accepts, as recipes write them, with the property each binds to.</summary>
    public static IReadOnlyDictionary<string, PropertyInfo> KeysOf(Type type) => SettableProperties(type);

    /// <summary>The resolved configuration as YAML, with the same snake_case keys the loader reads.</summary>
    public static string ToYaml(object config) =>
        new SerializerBuilder()
            .WithNamingConvention(UnderscoredNamingConvention.Instance)
            .DisableAliases()
            .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
            .Build()
            .Serialize(config);

    public static string KeyName(string propertyName) => UnderscoredNamingConvention.Instance.Apply(propertyName);

    private static YamlNode ParseValue(string text, string key)
    {
        if (string.IsNullOrWhiteSpace(text))
            return new YamlScalarNode(text);
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return stream.Documents.Count == 0 ? new YamlScalarNode(text) : stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            throw new ConfigException($"override '{key}': value '{text}' is not valid YAML: {e.Message}");
        }
    }

    /// <summary><paramref name="owner"/>: the component whose section this is or lies in (see <see cref="IOwnedConfigSection"/>).</summary>
    private static void BindObject(Type type, YamlMappingNode node, string path, object target, string? owner)
    {
        owner = (target as IOwnedConfigSection)?.Owner ?? owner;
        var properties = SettableProperties(type);
        foreach (var (keyNode, valueNode) in node.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            var fullKey = path.Length == 0 ? key : $"{path}.{key}";
            if (!properties.TryGetValue(key, out var property))
                throw UnknownKey(fullKey, path, properties.Keys, valueNode, owner);
            var current = property.GetValue(target);
            property.SetValue(target, BindValue(property.PropertyType, valueNode, fullKey, current, owner));
        }
    }

    private static Dictionary<string, PropertyInfo> SettableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
            .ToDictionary(p => KeyName(p.Name), StringComparer.Ordinal);

    /// <summary>
    /// Names the key as the user wrote it: a misspelt section given one value (<c>--set trian.steps=5</c>) is reported
    /// as <c>trian.steps</c> with the suggestion <c>train.steps</c>.
    /// </summary>
    private static ConfigException UnknownKey(string fullKey, string path, IEnumerable<string> validKeys, YamlNode value, string? owner)
    {
        var valid = validKeys.Order(StringComparer.Ordinal).ToList();
        var last = fullKey[(fullKey.LastIndexOf('.') + 1)..];
        var tail = "";
        while (value is YamlMappingNode { Children.Count: 1 } mapping)
        {
            var (innerKey, innerValue) = mapping.Children.First();
            tail += "." + ((YamlScalarNode)innerKey).Value;
            value = innerValue;
        }
        var suggestion = NameSuggester.Closest(last, valid);
        var prefix = path.Length == 0 ? "" : path + ".";
        var hint = suggestion is not null
            ? $" Did you mean '{prefix}{suggestion}{tail}'?"
            : $" Valid keys{(path.Length == 0 ? "" : $" under '{path}'")}: {string.Join(", ", valid)}.";
        var reader = owner is null ? "" : $": {owner} does not read it";
        return new ConfigException($"unknown config key '{fullKey}{tail}'{reader}.{hint}");
    }

    private static object? BindValue(Type type, YamlNode node, string key, object? current, string? owner)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (IsNull(node) && (underlying is not null || !type.IsValueType))
            return null;
        type = underlying ?? type;

        if (type == typeof(string))
            return Scalar(node, key, "a string");
        if (type.IsEnum)
            return ParseEnum(type, Scalar(node, key, "a name"), key);
        if (type.IsPrimitive || type == typeof(decimal))
            return ParsePrimitive(type, Scalar(node, key, "a number or boolean"), key);
        if (type == typeof(TimeSpan))
        {
            var text = Scalar(node, key, "a duration");
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span)
                ? span
                : throw new ConfigException($"config key '{key}': '{text}' is not a duration (hh:mm:ss).");
        }

        if (DictionaryValueType(type) is { } dictionaryValue)
        {
            if (node is not YamlMappingNode mapping)
                throw new ConfigException($"config key '{key}' must be a mapping.");
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), dictionaryValue))!;
            foreach (var (k, v) in mapping.Children)
            {
                var name = ((YamlScalarNode)k).Value ?? "";
                dictionary[name] = BindValue(dictionaryValue, v, $"{key}.{name}", null, owner);
            }
            return dictionary;
        }

        if (ListElementType(type) is { } element)
        {
            var items = node switch
            {
                YamlSequenceNode sequence => sequence.Children.ToList(),
                // A lone scalar stands for a one-element list, so `--set data.labels=Edema` works.
                YamlScalarNode scalar when !string.IsNullOrEmpty(scalar.Value) => [scalar],
                YamlScalarNode => [],
                _ => throw new ConfigException($"config key '{key}' must be a list."),
            };
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            for (var i = 0; i < items.Count; i++)
                list.Add(BindValue(element, items[i], $"{key}[{i}]", null, owner));
            if (type.IsArray)
            {
                var array = Array.CreateInstance(element, list.Count);
                list.CopyTo(array, 0);
                return array;
            }
            return list;
        }

        if (type.IsClass)
        {
            if (node is not YamlMappingNode mapping)
                throw new ConfigException($"config key '{key}' is a section: give it keys (for example '{key}.{SettableProperties(type).Keys.FirstOrDefault()}=...').");
            var target = current ?? Activator.CreateInstance(type)
                ?? throw new ConfigException($"config key '{key}': cannot create {type.Name}.");
            BindObject(target.GetType(), mapping, key, target, owner);
            return target;
        }

        throw new ConfigException($"config key '{key}': type {type.Name} is not supported in configurations.");
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: not (ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted) } scalar &&
        scalar.Value is null or "" or "~" or "null";

    private static string Scalar(YamlNode node, string key, string expected) =>
        node is YamlScalarNode scalar
            ? scalar.Value ?? ""
            : throw new ConfigException($"config key '{key}' must be {expected}, not a {(node is YamlSequenceNode ? "list" : "mapping")}.");

    /// <summary>
    /// A member by its C# name, its snake_case key name or its <see cref="EnumMemberAttribute"/> name (Lightning's
    /// <c>bf16-mixed</c>), with '-' and '_' interchangeable; the error lists the names recipes write.
    /// </summary>
    private static object ParseEnum(Type type, string text, string key)
    {
        var spelt = text.Replace('-', '_');
        foreach (var name in Enum.GetNames(type))
        {
            if (new[] { name, KeyName(name), EnumName(type, name) }.Any(n => string.Equals(n.Replace('-', '_'), spelt, StringComparison.OrdinalIgnoreCase)))
                return Enum.Parse(type, name);
        }
        var names = Enum.GetNames(type).Select(name => EnumName(type, name)).ToList();
        var suggestion = NameSuggester.Closest(text, names);
        throw new ConfigException($"config key '{key}': '{text}' is not one of {string.Join(", ", names)}." +
                                  (suggestion is null ? "" : $" Did you mean '{suggestion}'?"));
    }

    /// <summary>How recipes write an enum member: its <see cref="EnumMemberAttribute"/> value, else its snake_case name.</summary>
    public static string EnumName(Type type, string member) =>
        type.GetField(member)?.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? KeyName(member);

    private static object ParsePrimitive(Type type, string text, string key)
    {
        var culture = CultureInfo.InvariantCulture;
        object? value = Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => text.ToLowerInvariant() switch
            {
                "true" or "yes" or "on" => true,
                "false" or "no" or "off" => false,
                _ => null,
            },
            TypeCode.Int32 => int.TryParse(text, NumberStyles.Integer, culture, out var i) ? i : null,
            TypeCode.Int64 => long.TryParse(text, NumberStyles.Integer, culture, out var l) ? l : null,
            TypeCode.Single => float.TryParse(text, NumberStyles.Float, culture, out var f) ? f : null,
            TypeCode.Double => double.TryParse(text, NumberStyles.Float, culture, out var d) ? d : null,
            TypeCode.Decimal => decimal.TryParse(text, NumberStyles.Float, culture, out var m) ? m : null,
            _ => throw new ConfigException($"config key '{key}': type {type.Name} is not supported in configurations."),
        };
        return value ?? throw new ConfigException(
            $"config key '{key}': '{text}' is not {(type == typeof(bool) ? "true or false" : type == typeof(int) || type == typeof(long) ? "a whole number" : "a number")}.");
    }

    private static Type? ListElementType(Type type)
    {
        if (type.IsArray)
            return type.GetElementType();
        if (!type.IsGenericType)
            return null;
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(List<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>) ||
               definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>)
            ? type.GetGenericArguments()[0]
            : null;
    }

    private static Type? DictionaryValueType(Type type)
    {
        if (!type.IsGenericType)
            return null;
        var definition = type.GetGenericTypeDefinition();
        var arguments = type.GetGenericArguments();
        return (definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) ||
                definition == typeof(IReadOnlyDictionary<,>)) && arguments[0] == typeof(string)
            ? arguments[1]
            : null;
    }

    /// <summary>Remembers where each open flow collection (<c>{</c> or <c>[</c>) began, so a syntax error can name the one left open.</summary>
    private sealed class FlowTrackingParser(IParser inner) : IParser
    {
        private readonly Stack<(char Bracket, Mark Start)> _open = new();

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            var moved = inner.MoveNext();
            switch (inner.Current)
            {
                case MappingStart { Style: MappingStyle.Flow } start:
                    _open.Push(('{', start.Start));
                    break;
                case SequenceStart { Style: SequenceStyle.Flow } start:
                    _open.Push(('[', start.Start));
                    break;
                // Block collections cannot sit inside a flow one, so an end while one is open closes the innermost.
                case MappingEnd or SequenceEnd when _open.Count > 0:
                    _open.Pop();
                    break;
            }
            return moved;
        }

        public string Unclosed() =>
            _open.TryPeek(out var open) ? $"; the '{open.Bracket}' at line {open.Start.Line}, column {open.Start.Column} is not closed" : "";
    }
}
