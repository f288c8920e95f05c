using System.Globalization;

namespace CxrVL.Bench;

/// <summary>Reads <c>--name value</c> pairs with defaults.</summary>
internal sealed class BenchArguments(IReadOnlyList<string> arguments)
{
    public int Int(string name, int fallback) =>
        Value(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public string String(string name, string fallback) => Value(name) ?? fallback;

    private string? Value(string name)
    {
        for (var i = 0; i + 1 < arguments.Count; i++)
        {
            if (arguments[i] == "--" + name)
                return arguments[i + 1];
        }
        return null;
    }
}
