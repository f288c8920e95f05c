using CxrVL.Configuration;
using CxrVL.Generation;
using CxrVL.Methods.R2Gen;
using CxrVL.Methods.XProNet;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>The report-generation methods by name: adding one is a folder under Methods/ and one line here.</summary>
public static class ReportGenerationMethods
{
    private static readonly IReadOnlyDictionary<string, Func<ReportModelConfig, long, int, IReportModel>> Factories =
        new Dictionary<string, Func<ReportModelConfig, long, int, IReportModel>>(StringComparer.OrdinalIgnoreCase)
        {
            ["xpronet"] = (model, vocabulary, views) => new XProNetModel(model, vocabulary, views),
            ["r2gen"] = (model, vocabulary, _) => new R2GenModel(model, vocabulary),
        };

    public static IEnumerable<string> Names => Factories.Keys.Order(StringComparer.Ordinal);

    /// <param name="vocabulary">Output size: the word vocabulary's size (id 0 included).</param>
    /// <param name="views">Image slots per study (1 frontal, 2 pair).</param>
    public static IReportModel Create(string name, ReportModelConfig model, long vocabulary, int views) =>
        Factories.TryGetValue(name, out var factory)
            ? factory(model, vocabulary, views)
            : throw new CxrVLException($"unknown report-generation method '{name}'." +
                                       (NameSuggester.Closest(name, Factories.Keys) is { } hint ? $" Did you mean '{hint}'?" : "") +
                                       $" Known: {string.Join(", ", Names)}.");
}
