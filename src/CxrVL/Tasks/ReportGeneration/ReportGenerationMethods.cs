using CxrVL.Configuration;
using CxrVL.Generation;
using CxrVL.Methods.R2Gen;
using CxrVL.Methods.XProNet;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>The report-generation methods by name: adding one is a folder under Methods/ and one line here.</summary>
public static class ReportGenerationMethods
{
    private static readonly IReadOnlyDictionary<string, ReportGenerationMethod> ByName =
        new[]
        {
            ReportGenerationMethod.For<XProNetConfig>((model, vocabulary, views) => new XProNetModel(model, vocabulary, views)),
            ReportGenerationMethod.For<R2GenConfig>((model, vocabulary, _) => new R2GenModel(model, vocabulary)),
        }.ToDictionary(m => m.Name, StringComparer.OrdinalIgnoreCase);

    public static IEnumerable<string> Names => ByName.Keys.Order(StringComparer.Ordinal);

    public static ReportGenerationMethod Get(string name) =>
        ByName.TryGetValue(name, out var method)
            ? method
            : throw new CxrVLException($"unknown report-generation method '{name}'." +
                                       (NameSuggester.Closest(name, ByName.Keys) is { } hint ? $" Did you mean '{hint}'?" : "") +
                                       $" Known: {string.Join(", ", Names)}.");

    /// <summary>A fresh <c>model:</c> section of the method's own type, with its defaults.</summary>
    public static ReportModelConfig NewConfig(string name) => Get(name).NewConfig();

    /// <summary>The model of <paramref name="model"/>'s method.</summary>
    /// <param name="vocabulary">Output size: the word vocabulary's size (id 0 included).</param>
    /// <param name="views">Image slots per study (1 frontal, 2 pair).</param>
    public static IReportModel Create(ReportModelConfig model, long vocabulary, int views) => Get(model.Method).Create(model, vocabulary, views);
}

/// <summary>A report-generation method: its name, the type its <c>model:</c> section binds to and how to build it.</summary>
public sealed class ReportGenerationMethod
{
    private readonly Func<ReportModelConfig> _newConfig;
    private readonly Func<ReportModelConfig, long, int, IReportModel> _create;

    private ReportGenerationMethod(string name, Type configType, Func<ReportModelConfig> newConfig, Func<ReportModelConfig, long, int, IReportModel> create)
    {
        Name = name;
        ConfigType = configType;
        _newConfig = newConfig;
        _create = create;
    }

    /// <summary>The name <c>--method</c> and recipes use (the config type's <see cref="ReportModelConfig.Method"/>).</summary>
    public string Name { get; }

    /// <summary>The only type the method's <c>model:</c> section binds to.</summary>
    public Type ConfigType { get; }

    public static ReportGenerationMethod For<TConfig>(Func<TConfig, long, int, IReportModel> create) where TConfig : ReportModelConfig, new()
    {
        var name = new TConfig().Method;
        return new ReportGenerationMethod(name, typeof(TConfig), () => new TConfig(), (model, vocabulary, views) => create(
            model as TConfig ?? throw new CxrVLException($"method {name} reads a model section of type {typeof(TConfig).Name}, not {model.GetType().Name} " +
                                                         $"(the section of method {model.Method}): load the recipe with RrgRecipes.Load."),
            vocabulary, views));
    }

    public ReportModelConfig NewConfig() => _newConfig();

    public IReportModel Create(ReportModelConfig model, long vocabulary, int views) => _create(model, vocabulary, views);
}
