namespace CxrVL.Configuration;

/// <summary>
/// Finds the YAML recipes under <c>configs/</c>: next to the installed tool (the CLI ships them in its output
/// folder), or in the source tree of a checkout. A name such as <c>pretrain/clip</c> resolves to
/// <c>configs/pretrain/clip.yaml</c>; an existing file path is taken as it is.
/// </summary>
public static class RecipeLocator
{
    public static string ConfigsDirectory()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "configs");
                if (Directory.Exists(candidate))
                    return candidate;
            }
        }
        throw new CxrVLException("cannot find the 'configs' folder of recipes next to the cxrvl tool or above the current folder; pass --config FILE.");
    }

    public static string Resolve(string nameOrPath)
    {
        if (File.Exists(nameOrPath))
            return Path.GetFullPath(nameOrPath);
        var directory = ConfigsDirectory();
        var path = Path.Combine(directory, nameOrPath.EndsWith(".yaml", StringComparison.Ordinal) ? nameOrPath : nameOrPath + ".yaml");
        if (File.Exists(path))
            return path;
        var known = Directory.EnumerateFiles(directory, "*.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f)[..^".yaml".Length].Replace('\\', '/'))
            .ToList();
        var suggestion = NameSuggester.Closest(nameOrPath, known);
        throw new CxrVLException($"no recipe '{nameOrPath}' (looked for '{path}')." +
                                 (suggestion is null ? $" Known recipes: {string.Join(", ", known.Order())}." : $" Did you mean '{suggestion}'?"));
    }
}
