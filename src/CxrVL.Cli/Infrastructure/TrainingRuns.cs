using CxrVL.Runs;
using CxrVL.Training;

namespace CxrVL.Cli.Infrastructure;

/// <summary>What every training command does around its library call: the run folder, and Ctrl+C as a clean stop.</summary>
internal static class TrainingRuns
{
    /// <summary>
    /// Opens the run folder (the existing one when resuming a run folder without --out), runs <paramref name="train"/>
    /// with a token that Ctrl+C cancels (the trainer stops after the step with a checkpoint) and prints the folder; exit
    /// code 130 when cancelled.
    /// </summary>
    public static int Run(CommandContext context, string name, object config, string? resume, Func<RunFolder, CancellationToken, TrainingResult> train)
    {
        using var run = resume is not null && Directory.Exists(Path.Combine(resume, "checkpoints")) && context.OutFolder() is null
            ? context.ReopenRunFolder(resume, config)
            : context.CreateRunFolder(name, config);
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
            var result = train(run, cancel.Token);
            context.Output.WriteLine($"run folder {run.Path}");
            return result.StopReason == "cancelled" ? 130 : 0;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
