using CxrVL.Configuration;

namespace CxrVL.Text.Cleaning;

/// <summary>The cleaning recipes by name: <c>r2gen-iu</c>, <c>r2gen-mimic</c> (also <c>xpronet-iu</c>, <c>xpronet-mimic</c>), <c>mgca</c> (also <c>medst</c>), <c>prior</c>.</summary>
public static class ReportCleaners
{
    private static readonly Dictionary<string, Func<IReportCleaner>> Recipes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["r2gen-iu"] = () => new R2GenCleaner(mimic: false),
        ["r2gen-mimic"] = () => new R2GenCleaner(mimic: true),
        ["xpronet-iu"] = () => new R2GenCleaner(mimic: false),
        ["xpronet-mimic"] = () => new R2GenCleaner(mimic: true),
        ["mgca"] = () => new MgcaCaptionCleaner(),
        ["medst"] = () => new MgcaCaptionCleaner(),
        ["prior"] = () => new PriorSentenceCleaner(),
    };

    public static IReadOnlyCollection<string> Names => Recipes.Keys;

    /// <summary>The recipe called <paramref name="name"/>, with de-identification placeholders handled first as asked.</summary>
    public static IReportCleaner Create(string name, DeidentificationMode deidentification = DeidentificationMode.Keep, string replacement = "")
    {
        if (!Recipes.TryGetValue(name, out var create))
        {
            var suggestion = NameSuggester.Closest(name, Recipes.Keys);
            throw new CxrVLException($"unknown cleaning recipe '{name}'{(suggestion is null ? "" : $". Did you mean '{suggestion}'?")} Known: {string.Join(", ", Recipes.Keys)}.");
        }
        var cleaner = create();
        return deidentification == DeidentificationMode.Keep ? cleaner : new DeidentifyingCleaner(cleaner, deidentification, replacement);
    }
}
