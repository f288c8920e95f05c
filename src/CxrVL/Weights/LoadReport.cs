using System.Text;

namespace CxrVL.Weights;

/// <summary>What loading a state dict into a module did (keys are module keys, after the key map).</summary>
/// <param name="Loaded">keys whose values were copied into the module</param>
/// <param name="Missing">module keys the checkpoint has no value for (not counting allowed ones)</param>
/// <param name="AllowedMissing">missing keys the caller said may be missing (a new head, ...)</param>
/// <param name="Unexpected">checkpoint keys the module does not have</param>
/// <param name="ShapeMismatches">keys in both with different shapes (not copied)</param>
/// <param name="Dropped">checkpoint keys the key map dropped</param>
/// <param name="Suggestion">a key map that would match more keys, when one exists</param>
public sealed record LoadReport(
    IReadOnlyList<string> Loaded,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> AllowedMissing,
    IReadOnlyList<string> Unexpected,
    IReadOnlyList<ShapeMismatch> ShapeMismatches,
    IReadOnlyList<string> Dropped,
    KeyMap? Suggestion)
{
    /// <summary>What the loader decided from the checkpoint's provenance (a setting it selected, a mismatch it warns of); one line each.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>True when every module key got a value of the right shape and no checkpoint key was left over.</summary>
    public bool IsExact => Missing.Count == 0 && Unexpected.Count == 0 && ShapeMismatches.Count == 0;

    /// <summary>One readable paragraph listing the problems (at most ten keys per kind).</summary>
    public string Describe()
    {
        var text = new StringBuilder($"{Loaded.Count} tensors loaded");
        Append(text, "missing key", Missing);
        Append(text, "unexpected key", Unexpected);
        Append(text, "shape mismatch", ShapeMismatches.Select(m => m.ToString()).ToList());
        if (AllowedMissing.Count > 0)
            text.Append($"; {AllowedMissing.Count} allowed missing");
        if (Dropped.Count > 0)
            text.Append($"; {Dropped.Count} dropped by the key map");
        text.Append('.');
        if (Suggestion is not null && !IsExact)
            text.Append($" Key map '{Suggestion}' would match more keys.");
        return text.ToString();
    }

    private static void Append(StringBuilder text, string kind, IReadOnlyList<string> items)
    {
        if (items.Count == 0)
            return;
        text.Append($"; {items.Count} {kind}{(items.Count == 1 ? "" : kind.EndsWith('h') ? "es" : "s")}: ");
        text.Append(string.Join(", ", items.Take(10)));
        if (items.Count > 10)
            text.Append($", ... ({items.Count - 10} more)");
    }
}
