using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace CxrVL.Configuration;

/// <summary>
/// Checks a bound configuration against the ranges its types declare with <see cref="RangeAttribute"/> and
/// <see cref="AllowedValuesAttribute"/> (a learning rate finite and above 0, a batch size of at least 1, ...), walking
/// every section, list item and stage. The first value out of range is a <see cref="ConfigException"/> naming the
/// key as recipes write it, so a bad value stops the run before anything is written, not after it trained on it.
/// </summary>
public static class ConfigValidator
{
    public static void Validate(object config) => Visit(config, "");

    private static void Visit(object node, string path)
    {
        foreach (var property in node.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is not { IsPublic: true } || property.SetMethod is not { IsPublic: true })
                continue;
            var key = path.Length == 0 ? ConfigLoader.KeyName(property.Name) : $"{path}.{ConfigLoader.KeyName(property.Name)}";
            var value = property.GetValue(node);
            if (value is null)
                continue;
            foreach (var rule in property.GetCustomAttributes<ValidationAttribute>())
            {
                if (!rule.IsValid(value))
                    throw new ConfigException($"config key '{key}': {Show(value)} is out of range; it must be {Expected(rule)}.");
            }
            if (value is IEnumerable items and not string)
            {
                var index = 0;
                foreach (var item in items)
                {
                    if (IsSection(item?.GetType()))
                        Visit(item!, $"{key}[{index}]");
                    index++;
                }
            }
            else if (IsSection(value.GetType()))
            {
                Visit(value, key);
            }
        }
    }

    /// <summary>Configuration sections are this project's classes; strings, numbers and library types are values.</summary>
    private static bool IsSection(Type? type) =>
        type is { IsClass: true } && type != typeof(string) && type.Assembly == typeof(ConfigValidator).Assembly;

    private static string Show(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Expected(ValidationAttribute rule) => rule switch
    {
        RangeAttribute range => Describe(range),
        AllowedValuesAttribute allowed => "one of " + string.Join(", ", allowed.Values.Select(v => v is null ? "null" : Show(v))),
        _ => rule.FormatErrorMessage("the value"),
    };

    private static string Describe(RangeAttribute range)
    {
        var floating = range.OperandType == typeof(double);
        var minimum = Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture);
        var maximum = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
        var unbounded = maximum >= (floating ? double.MaxValue : range.OperandType == typeof(long) ? long.MaxValue : int.MaxValue);
        var low = range.MinimumIsExclusive ? $"greater than {Show(minimum)}" : $"at least {Show(minimum)}";
        var text = unbounded ? low : $"{low} and {(range.MaximumIsExclusive ? "below" : "at most")} {Show(maximum)}";
        return floating ? $"a finite number {text}" : $"a whole number {text}";
    }
}
