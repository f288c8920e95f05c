using System.Text.RegularExpressions;

namespace CxrVL.Text.Cleaning;

/// <summary>
/// De-identification placeholders in public reports: IU X-ray writes removed words as <c>XXXX</c> (runs of three or
/// more capital X, also inside words such as "x-XXXX"); MIMIC-CXR writes <c>___</c>.
/// </summary>
public static partial class Deidentification
{
    [GeneratedRegex("(?<![A-Za-z])X{3,}(?![A-Za-z])|_{3,}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(" {2,}")]
    private static partial Regex Spaces();

    public static int Count(string text) => Placeholder().Count(text);

    public static string Apply(string text, DeidentificationMode mode, string replacement = "") => mode switch
    {
        DeidentificationMode.Keep => text,
        DeidentificationMode.Remove => Spaces().Replace(Placeholder().Replace(text, ""), " ").Trim(),
        DeidentificationMode.Replace => Placeholder().Replace(text, replacement),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };
}
