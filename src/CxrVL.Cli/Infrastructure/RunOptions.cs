using System.CommandLine;
using CxrVL.Configuration;
using CxrVL.Runs;

namespace CxrVL.Cli.Infrastructure;

/// <summary>Options of every command that makes a run folder: the recipe, overrides and the output folder.</summary>
internal static class RunOptions
{
    public static readonly Option<string[]> Config = new("--config")
    {
        Description = "YAML recipe: a file, or a name under configs/ such as pretrain/clip; repeat to overlay recipes (later ones win).",
        AllowMultipleArgumentsPerToken = false,
    };

    public static readonly Option<string[]> Set = new("--set")
    {
        Description = "Override one config key, repeatable: --set train.max_steps=100 --set data.image_size=128.",
        AllowMultipleArgumentsPerToken = false,
    };

    public static readonly Option<string?> Out = new("--out")
    {
        Description = "Run folder (default: runs/<name>-<timestamp>/).",
    };

    public static Command AddRunOptions(this Command command)
    {
        command.Options.Add(Config);
        command.Options.Add(Set);
        command.Options.Add(Out);
        return command;
    }

    /// <summary>
    /// Loads the recipes given by --config (or <paramref name="defaultRecipe"/>) with the --set overrides applied. A --config
    /// that names only overlay keys still starts from <paramref name="defaultRecipe"/> when <paramref name="overlay"/> is set.
    /// </summary>
    public static T LoadConfig<T>(this CommandContext context, string defaultRecipe, bool overlay = false) where T : class, new()
    {
        var given = context.Get(Config) ?? [];
        IEnumerable<string> names = given.Length == 0 ? [defaultRecipe] : overlay ? [defaultRecipe, .. given] : given;
        return ConfigLoader.LoadAll<T>(names.Select(RecipeLocator.Resolve).ToList(), context.Get(Set) ?? []);
    }

    /// <summary>Opens an existing run folder to resume into it; its configuration is rewritten with any new overrides.</summary>
    public static RunFolder ReopenRunFolder(this CommandContext context, string path, object config)
    {
        var run = RunFolder.Create(Path.GetFileName(Path.GetFullPath(path)), path, console: context.Output);
        run.WriteConfig(config, ["cxrvl", .. context.ParseResult.Tokens.Select(t => t.Value)]);
        return run;
    }

    /// <summary>Creates the run folder and records the resolved configuration and the command line in it.</summary>
    public static RunFolder CreateRunFolder(this CommandContext context, string name, object config)
    {
        var run = RunFolder.Create(name, context.Get(Out), console: context.Output);
        run.WriteConfig(config, ["cxrvl", .. context.ParseResult.Tokens.Select(t => t.Value)]);
        return run;
    }
}
