using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Tasks.ReportGeneration;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl rrg init-prototypes</c>: XProNet's per-class K-means prototype matrix, written for <c>model.prototype_init</c>.</summary>
internal sealed class RrgInitPrototypesCommand : ICliCommand
{
    private static readonly Option<string> Data = new("--data") { Description = "Manifest (JSONL) from 'cxrvl data build'.", Required = true };

    private static readonly Option<string> Output = new("--output") { Description = "Prototype file to write (.safetensors, tensor 'protypes').", Required = true };

    private static readonly Option<string?> Checkpoint = new("--checkpoint")
    {
        Description = "Take the visual features from this trained xpronet run's extractor (default: the recipe's freshly initialised one).",
    };

    public string Parent => "rrg";

    public Command Create()
    {
        var command = new Command("init-prototypes", "Initialise XProNet's cross-modal prototypes: K-means per label class over the training split's visual + text features; use the file with --set model.prototype_init=FILE.");
        command.Options.Add(Data);
        command.Options.Add(Output);
        command.Options.Add(Checkpoint);
        return command.AddRunOptions("--set data.workers=4").WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var config = RrgRecipes.Load(context.RecipePaths("rrg/xpronet", overlay: true), context.Overrides(), "xpronet");
        var summary = PrototypeInitialization.Run(config, context.Get(Data)!, context.Get(Output)!, context.Get(Checkpoint), context.Runtime);
        context.Output.WriteLine(summary);
        return 0;
    }
}
