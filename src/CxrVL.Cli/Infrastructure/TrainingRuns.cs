using CxrVL.Runs;

namespace CxrVL.Cli.Infrastructure;

/// <summary>What every training command does around its library call: the run folder, stop signals and a record of failures.</summary>
internal static class TrainingRuns
{
    /// <summary>The existing run folder when resuming one without --out, else a new one.</summary>
    public static RunFolder Open(CommandContext context, string name, object config, string? resume) =>
        resume is not null && Directory.Exists(Path.Combine(resume, "checkpoints")) && context.OutFolder() is null
            ? context.ReopenRunFolder(resume, config)
            : context.CreateRunFolder(name, config);

    /// <summary>
    /// Runs <paramref name="train"/> with a token that Ctrl+C and SIGTERM cancel (the work stops after its step, as
    /// <paramref name="stopping"/> tells the user), and writes a failure into the run's log.txt before it reaches the
    /// console, so the folder says how the run ended. Exit code 0, or 130 / 143 when a signal stopped the run.
    /// </summary>
    /// <param name="terminate">Treat SIGTERM as a stop request (off under mpirun, which sends it when another rank died).</param>
    public static int Run(CommandContext context, RunFolder run, Action<CancellationToken> train,
                          string stopping = "stopping after this step (a checkpoint is written)", bool terminate = true)
    {
        using var signals = new StopSignals(context.Error, stopping, terminate);
        try
        {
            train(signals.Token);
        }
        catch (Exception e)
        {
            run.Log.Fatal(e);
            throw;
        }
        if (signals.ExitCode != 0)
            run.Log.Info($"stopped by a signal; exit code {signals.ExitCode}", echo: false);
        return signals.ExitCode;
    }
}
