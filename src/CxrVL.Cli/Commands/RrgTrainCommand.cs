using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Data.Manifest;
using CxrVL.Tasks.ReportGeneration;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl rrg train</c>: trains a report generator on the shared trainer.</summary>
internal sealed class RrgTrainCommand : ICliCommand
{
    private static readonly Option<string> Method = new("--method")
    {
        Description = $"Report-generation method: {string.Join(", ", ReportGenerationMethods.Names)}.",
        Required = true,
    };

    private static readonly Option<string> Data = new("--data") { Description = "Manifest (JSONL) from 'cxrvl data build'.", Required = true };

    private static readonly Option<string?> Resume = new("--resume") { Description = "Continue a run: its folder or one of its checkpoints (use the same --seed)." };

    private static readonly Option<string?> Init = new("--init")
    {
        Description = "Start from a whole released XProNet or R2Gen model (model_iu_xray.pth, ...) or a CxrVL rrg run, by the seeds' parameter names; " +
                      "the visual extractor alone: --set model.visual_extractor_init=FILE.",
    };

    public string Parent => "rrg";

    public Command Create()
    {
        var command = new Command("train", "Train a report generator (xpronet, r2gen) on a manifest; --config overlays recipes on configs/rrg/<method>.yaml.");
        command.Options.Add(Method);
        command.Options.Add(Data);
        command.Options.Add(Resume);
        command.Options.Add(Init);
        return command.AddRunOptions("--set train.max_steps=200 --set decoding.beam_size=3").WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var method = context.Get(Method)!;
        var config = RrgRecipes.Load(context.RecipePaths($"rrg/{method.ToLowerInvariant()}", overlay: true), context.Overrides(), method);
        var manifest = context.Get(Data)!;
        // Before a run folder exists: a missing manifest or info file leaves nothing behind.
        _ = ManifestInfo.ReadFor(manifest);
        var resume = context.Get(Resume);
        using var run = TrainingRuns.Open(context, config.Name, config, resume);
        return TrainingRuns.Run(context, run, cancel =>
        {
            context.Library.TrainReportGenerator(run, config, manifest, resume, context.Get(Init), cancel);
            context.Output.WriteLine($"run folder {run.Path}");
        });
    }
}
