using CxrVL.Configuration;

namespace CxrVL.Text.Cleaning;

/// <summary>
/// A catalog of report-cleaning recipes by name. <see cref="BuiltIn"/> holds CxrVL's: <c>r2gen-iu</c>, <c>r2gen-mimic</c>
/// (also <c>xpronet-iu</c>, <c>xpronet-mimic</c>), <c>mgca</c> (also <c>medst</c>), <c>prior</c>; a library user adds
/// their own with <see cref="With"/> (or through <c>PretrainingMethods.WithReportCleaner</c>) without editing CxrVL.
/// </summary>
public sealed class ReportCleaners
{
    public static ReportCleaners BuiltIn { get; } = new(new Dictionary<string, Func<IReportCleaner>>(StringComparer.OrdinalIgnoreCase)
    {
        ["r2gen-iu"] = () => new R2GenCleaner(mimic: false),
        ["r2gen-mimic"] = () => new R2GenCleaner(mimic: true),
        ["xpronet-iu"] = () => new R2GenCleaner(mimic: false),
        ["xpronet-mimic"] = () => new R2GenCleaner(mimic: true),
        ["mgca"] = () => new MgcaCaptionCleaner(),
        ["medst"] = () => new MgcaCaptionCleaner(),
        ["medst-sent-proc"] = () => new MgcaCaptionCleaner(joinWithoutSpace: true),
        ["prior"] = () => new PriorSentenceCleaner(),
    });

    private readonly IReadOnlyDictionary<string, Func<IReportCleaner>> _recipes;

    private ReportCleaners(IReadOnlyDictionary<string, Func<IReportCleaner>> recipes) => _recipes = recipes;

    /// <summary>This catalog and one more recipe: <paramref name="create"/> makes a fresh cleaner each time one is asked for.</summary>
    public ReportCleaners With(string name, Func<IReportCleaner> create)
    {
        var recipes = new Dictionary<string, Func<IReportCleaner>>(_recipes, StringComparer.OrdinalIgnoreCase);
        if (!recipes.TryAdd(name, create))
            throw new CxrVLException($"two cleaning recipes are named '{name}'; each needs its own name.");
        return new ReportCleaners(recipes);
    }

    public IEnumerable<string> Names => _recipes.Keys.Order(StringComparer.Ordinal);

    /// <summary>The recipe called <paramref name="name"/>, with de-identification placeholders handled first as asked.</summary>
    public IReportCleaner Create(string name, DeidentificationMode deidentification = DeidentificationMode.Keep, string replacement = "")
    {
        if (!_recipes.TryGetValue(name, out var create))
        {
            var suggestion = NameSuggester.Closest(name, _recipes.Keys);
            throw new CxrVLException($"unknown cleaning recipe '{name}'{(suggestion is null ? "" : $". Did you mean '{suggestion}'?")} Known: {string.Join(", ", Names)}.");
        }
        var cleaner = create();
        return deidentification == DeidentificationMode.Keep ? cleaner : new DeidentifyingCleaner(cleaner, deidentification, replacement);
    }
}
