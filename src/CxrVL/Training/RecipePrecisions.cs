using CxrVL.Configuration;
using CxrVL.Precision;
using YamlDotNet.RepresentationModel;

namespace CxrVL.Training;

/// <summary>The precision each shipped training recipe (pretraining, fine-tuning, report generation) asks for, and would use here.</summary>
public static class RecipePrecisions
{
    private static readonly string[] TrainingFolders = ["pretrain", "finetune", "rrg"];

    /// <param name="configsDirectory">The <c>configs/</c> folder (<see cref="RecipeLocator.ConfigsDirectory"/>).</param>
    /// <param name="onCpu">Training would run on the CPU (the only device whose native arithmetic is checked).</param>
    /// <returns>Recipe names as <c>--config</c> takes them (<c>pretrain/clip</c>), in order, with the choice for this machine.</returns>
    public static IReadOnlyList<(string Recipe, PrecisionChoice Choice)> Of(string configsDirectory, LowPrecisionSupport cpu, bool onCpu) =>
        TrainingFolders
            .Select(folder => Path.Combine(configsDirectory, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.yaml", SearchOption.AllDirectories))
            .Select(path => (Path.GetRelativePath(configsDirectory, path)[..^".yaml".Length].Replace('\\', '/'), path))
            .OrderBy(r => r.Item1, StringComparer.Ordinal)
            .Select(r => (r.Item1, Choose(r.path, cpu, onCpu)))
            .ToList();

    /// <summary>The recipe's <c>train.precision</c> and <c>train.precision_fallback</c> (the defaults when it states none).</summary>
    private static PrecisionChoice Choose(string path, LowPrecisionSupport cpu, bool onCpu)
    {
        var keys = new YamlMappingNode();
        if (ConfigLoader.ReadTree(path).Children.TryGetValue("train", out var train) && train is YamlMappingNode section)
        {
            foreach (var key in new[] { "precision", "precision_fallback" })
                if (section.Children.TryGetValue(key, out var value))
                    keys.Children[key] = value;
        }
        TrainingConfig config;
        try
        {
            config = ConfigLoader.Bind<TrainingConfig>(keys);
        }
        catch (ConfigException e)
        {
            throw new ConfigException($"{path}, under train: {e.Message}");
        }
        return PrecisionChoice.Resolve(config.Precision, config.PrecisionFallback, cpu, onCpu);
    }
}
