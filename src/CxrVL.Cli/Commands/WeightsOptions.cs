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

    public static CheckpointReadOptions Read(Infrastructure.CommandContext context, Option<string?> entry, Option<bool> skip) =>
        new(context.Get(entry), context.Get(skip));
}
