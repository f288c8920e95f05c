using System.CommandLine;
using CxrVL.Weights;

namespace CxrVL.Cli.Commands;

/// <summary>Options the checkpoint-reading commands share.</summary>
internal static class WeightsOptions
{
    public static Option<string?> Entry() => new("--entry")
    {
        Description = "Dotted path of the state dict inside the checkpoint (state_dict, model, ...); found automatically by default.",
    };

    public static Option<bool> SkipUnknownObjects() => new("--skip-unknown-objects")
    {
        Description = "Keep objects of non-whitelisted Python types outside the weights (e.g. Lightning hyper_parameters) inert instead of refusing the file. Nothing is executed either way.",
    };

    public static Option<string[]> Map(string description) => new("--map")
    {
        Description = description + " Rules ';'-separated, or a file with one rule per line: strip:PREFIX, rename:FROM=TO, drop:PREFIX, keep:P1|P2, re:PATTERN=REPLACEMENT. Repeatable.",
        HelpName = "RULES",
    };

    /// <summary>The --map rules (inline or from files) as one key map; null when none were given.</summary>
    public static KeyMap? ReadMap(Infrastructure.CommandContext context, Option<string[]> map)
    {
        var rules = context.Get(map) ?? [];
        return rules.Length == 0 ? null
            : KeyMap.Parse(string.Join('\n', rules.Select(text => System.IO.File.Exists(text) ? CxrVL.Files.InputFile.ReadText(text, "key map") : text)));
    }

    public static CheckpointReadOptions Read(Infrastructure.CommandContext context, Option<string?> entry, Option<bool> skip) =>
        new(context.Get(entry), context.Get(skip));
}
