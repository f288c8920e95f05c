using Spectre.Console;
using Spectre.Console.Rendering;

namespace CxrVL.Runs;

/// <summary>
/// Progress of long work: a live Spectre.Console bar with rate and ETA on a terminal; plain lines at a fixed
/// interval when the output is redirected or <c>CI=true</c>, so logs stay readable.
/// </summary>
public static class ConsoleProgress
{
    public static bool IsInteractive =>
        !Console.IsOutputRedirected &&
        Environment.GetEnvironmentVariable("CI") is not ("true" or "1") &&
        Environment.GetEnvironmentVariable("TERM") is not "dumb" &&
        AnsiConsole.Profile.Capabilities.Interactive;

    /// <param name="output">Where progress goes; the live bar is drawn only when this is the console and it is interactive.</param>
    public static T Run<T>(string description, long total, Func<IProgressTracker, T> work, string unit = "it",
                           TextWriter? output = null, TimeSpan? plainInterval = null)
    {
        output ??= Console.Out;
        if (!ReferenceEquals(output, Console.Out) || !IsInteractive)
        {
            var tracker = new PlainProgressTracker(description, total, unit, output, plainInterval ?? TimeSpan.FromSeconds(10));
            var result = work(tracker);
            tracker.Finish();
            return result;
        }

        return AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(
                new TaskDescriptionColumn(),
                new ProgressBarColumn(),
                new PercentageColumn(),
                new CountColumn(),
                new RateColumn(unit),
                new ElapsedTimeColumn(),
                new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: Math.Max(1, total));
                var result = work(new SpectreTracker(task, description));
                task.Value = task.MaxValue;
                return result;
            });
    }

    public static void Run(string description, long total, Action<IProgressTracker> work, string unit = "it",
                           TextWriter? output = null, TimeSpan? plainInterval = null) =>
        Run(description, total, tracker => { work(tracker); return 0; }, unit, output, plainInterval);

    private sealed class SpectreTracker(ProgressTask task, string description) : IProgressTracker
    {
        public void Advance(long count = 1) => task.Increment(count);

        public void SetStatus(string status) => task.Description = Markup.Escape($"{description} {status}");
    }

    private sealed class CountColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Spectre.Console.Text($"{task.Value:0}/{task.MaxValue:0}");
    }

    private sealed class RateColumn(string unit) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Spectre.Console.Text(task.Speed is { } speed ? $"{ProgressText.Rate(speed)} {unit}/s" : $"- {unit}/s", new Style(Color.Grey));
    }
}
