namespace CxrVL.Files;

/// <summary>
/// Where the real data lives. <c>CXRVL_DATA_ROOT</c> wins; otherwise the first folder above the current directory
/// or the tool's install folder that has <c>shared/data/</c> (the layout of a development checkout, where the
/// public data sits beside the repository).
/// </summary>
public static class DataRoots
{
    public const string EnvironmentVariable = "CXRVL_DATA_ROOT";

    /// <summary>The sub-folders the default run and the tests read, as the shared data README lays them out.</summary>
    public static readonly IReadOnlyList<string> KnownDatasets =
    [
        "covid-chestxray", "iu-xray", "nih", "samples", "chexpert-labeler", "negex",
        "bio-clinicalbert", "mrm-wordpiece", "gloria-prompts",
    ];

    public static string? Resolve()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
            return Path.GetFullPath(configured);
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "data");
                if (Directory.Exists(candidate))
                    return candidate;
            }
        }
        return null;
    }

    /// <summary>The data root, or an error that says how to point CxrVL at the data.</summary>
    public static string Require() =>
        Resolve() ?? throw new CxrVLException(
            $"no data root found: set {EnvironmentVariable}=DIR, or place the data at shared/data beside the repository " +
            "(public sets can be downloaded with 'cxrvl data get').");

    /// <summary>Path of one dataset under the data root, or an error naming what is missing.</summary>
    public static string Dataset(string name)
    {
        var path = Path.Combine(Require(), name);
        return Directory.Exists(path)
            ? path
            : throw new CxrVLException($"dataset folder '{path}' does not exist under the data root.");
    }
}
