using System.CommandLine;
using CxrVL.Configuration;
using CxrVL.Runs;

namespace CxrVL.Cli.Infrastructure;

/// <summary>Options of every command that makes a run folder: the recipe, overrides and the output folder.</summary>
internal static class RunOptions
{
    private const string ConfigName = "--config";
    private const string SetName = "--set";
    private const string OutName = "--out";

    /// <summary>
    /// Adds --config, --set and --out. Each command gets its own --set, whose help shows <paramref name="setExample"/>:
    /// keys of that command's recipe (<c>train.max_steps=100</c>), so the example in the help is one the command accepts.
    /// </summary>
    public static Command AddRunOptions(this Command command, string setExample)
    {
        command.Options.Add(new Option<string[]>(ConfigName)
        {
            Description = "YAML recipe: a file, or a name under configs/ such as pretrain/clip; repeat to overlay recipes (later ones win).",
            AllowMultipleArgumentsPerToken = false,
        });
        command.Options.Add(new Option<string[]>(SetName)
        {
            Description = $"Override one key of the recipe, repeatable, keys as the YAML nests them: {setExample}.",
            AllowMultipleArgumentsPerToken = false,
        });
        command.Options.Add(new Option<string?>(OutName) { Description = "Run folder (default: runs/<name>-<timestamp>/)." });
        return command;
    }

    /// <summary>The --out folder, or null for a new timestamped one.</summary>
    public static string? OutFolder(this CommandContext context) => context.ParseResult.GetValue<string?>(OutName);

    /// <summary>
    /// Loads the recipes given by --config (or <paramref name="defaultRecipe"/>) with the --set overrides applied. A --config
    /// that names only overlay keys still starts from <paramref name="defaultRecipe"/> when <paramref name="overlay"/> is set.
    /// </summary>
    public static T LoadConfig<T>(this CommandContext context, string defaultRecipe, bool overlay = false) where T : class, new() =>
        ConfigLoader.LoadAll<T>(context.RecipePaths(defaultRecipe, overlay), context.Overrides());

    /// <summary>The recipe files of --config (or <paramref name="defaultRecipe"/>), in the order they overlay; see <see cref="LoadConfig{T}"/>.</summary>
    public static IReadOnlyList<string> RecipePaths(this CommandContext context, string defaultRecipe, bool overlay = false)
    {
        var given = context.ParseResult.GetValue<string[]>(ConfigName) ?? [];
        IEnumerable<string> names = given.Length == 0 ? [defaultRecipe] : overlay ? [defaultRecipe, .. given] : given;
        return names.Select(RecipeLocator.Resolve).ToList();
    }

    /// <summary>The recipe files given with --config, resolved, in order (none when it was not given).</summary>
    public static IReadOnlyList<string> GivenRecipePaths(this CommandContext context) =>
        (context.ParseResult.GetValue<string[]>(ConfigName) ?? []).Select(RecipeLocator.Resolve).ToList();

    /// <summary>The --set overrides, in order.</summary>
    public static IReadOnlyList<string> Overrides(this CommandContext context) => context.ParseResult.GetValue<string[]>(SetName) ?? [];

    /// <summary>Opens an existing run folder to resume into it; its configuration is rewritten with any new overrides.</summary>
    public static RunFolder ReopenRunFolder(this CommandContext context, string path, object config)
    {
        ConfigValidator.Validate(config);
        var run = RunFolder.Create(Path.GetFileName(Path.GetFullPath(path)), path, console: context.Output);
        run.WriteConfig(config, ["cxrvl", .. context.ParseResult.Tokens.Select(t => t.Value)]);
        return run;
    }

    /// <summary>Creates the run folder and records the resolved configuration and the command line in it.</summary>
    public static RunFolder CreateRunFolder(this CommandContext context, string name, object config)
    {
        // Options such as --fraction and --seeds set config values after the recipe was bound: check them all again
        // before the folder exists, so a refused value leaves nothing behind.
        ConfigValidator.Validate(config);
        var run = RunFolder.Create(name, context.OutFolder(), console: context.Output);
        run.WriteConfig(config, ["cxrvl", .. context.ParseResult.Tokens.Select(t => t.Value)]);
        return run;
    }
}
