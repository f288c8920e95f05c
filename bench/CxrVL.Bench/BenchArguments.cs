using System.Globalization;
using CxrVL.Precision;

namespace CxrVL.Bench;

/// <summary>Reads <c>--name value</c> pairs with defaults.</summary>
internal sealed class BenchArguments(IReadOnlyList<string> arguments)
{
    public int Int(string name, int fallback) =>
        Value(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public string String(string name, string fallback) => Value(name) ?? fallback;

    /// <summary><c>--precision fp32|bf16-mixed|fp16-mixed</c>, the names <c>train.precision</c> takes (default fp32).</summary>
    public TrainingPrecision Precision() => String("precision", "fp32") switch
    {
        "fp32" => TrainingPrecision.Fp32,
        "bf16-mixed" => TrainingPrecision.Bf16Mixed,
        "fp16-mixed" => TrainingPrecision.Fp16Mixed,
        var other => throw new ArgumentException($"--precision {other}: expected fp32, bf16-mixed or fp16-mixed"),
    };

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
