using System.CommandLine;
using CxrVL.Cli.Infrastructure;
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

    public string Parent => "rrg";

    public Command Create()
    {
        var command = new Command("train", "Train a report generator (xpronet, r2gen) on a manifest; --config overlays recipes on configs/rrg/<method>.yaml.");
        command.Options.Add(Method);
        command.Options.Add(Data);
        command.Options.Add(Resume);
        return command.AddRunOptions().WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var method = context.Get(Method)!;
        var config = context.LoadConfig<RrgConfig>($"rrg/{method.ToLowerInvariant()}", overlay: true);
        config.Method = method;
        var resume = context.Get(Resume);
        var runtime = context.Runtime;
        using var run = resume is not null && Directory.Exists(Path.Combine(resume, "checkpoints")) && context.Get(RunOptions.Out) is null
            ? context.ReopenRunFolder(resume, config)
            : context.CreateRunFolder(config.Name, config);
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
            context.Error.WriteLine("stopping after this step (a checkpoint is written); press Ctrl+C again to abort");
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var result = ReportTraining.Run(config, context.Get(Data)!, run, runtime, resume, cancel.Token);
            context.Output.WriteLine($"run folder {run.Path}");
            return result.Training.StopReason == "cancelled" ? 130 : 0;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
