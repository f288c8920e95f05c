using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Tasks.Quickstart;
using Spectre.Console;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl quickstart</c>: the end-to-end run on the real data, with an HTML report and a summary table.</summary>
internal sealed class QuickstartCommand : ICliCommand
{
    private static readonly Option<string?> DataRoot = new("--data-root")
    {
        Description = "Folder holding the datasets (default: shared/data beside the repository, or CXRVL_DATA_ROOT).",
    };

    private static readonly Option<string?> Method = new("--method")
    {
        Description = "Pretraining method (default: the recipe's, configs/quickstart.yaml).",
    };

    private static readonly Option<double?> Minutes = new("--minutes")
    {
        Description = "Time budget of the training phases in minutes; every phase's share scales (default: the recipe's).",
    };

    public Command Create()
    {
        var command = new Command("quickstart",
            "Build the manifest of the real data, pretrain a method from the package weights, evaluate it against random initialisation and the package weights alone, and write report.html.");
        command.Options.Add(DataRoot);
        command.Options.Add(Method);
        command.Options.Add(Minutes);
        return command.AddRunOptions("--set pretrain.minutes=3 --set segment.minutes=2").WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var config = context.LoadConfig<QuickstartConfig>("quickstart");
        if (context.Get(Method) is { } method)
            config.Method = method;
        if (context.Get(Minutes) is { } minutes)
            config.ScaleTo(minutes);
        var runtime = context.Runtime;
        using var run = context.CreateRunFolder($"quickstart-{config.Method}", config);
        var command = new[] { "cxrvl" }.Concat(context.ParseResult.Tokens.Select(t => t.Value)).ToList();
        QuickstartResult result;
        try
        {
            result = Quickstart.Run(config, context.Get(DataRoot), run, runtime, command);
        }
        catch (Exception e)
        {
            // The run folder says how the run ended, as a training run's does.
            run.Log.Fatal(e);
            throw;
        }

        var table = new Table().Title($"quickstart: {config.Method}, {result.TotalSeconds / 60:0.0} minutes")
            .AddColumn("task").AddColumn("metric").AddColumn(new TableColumn("n").RightAligned());
        foreach (var arm in Enum.GetValues<QuickstartArm>())
            table.AddColumn(new TableColumn(QuickstartReport.ArmName(arm)).RightAligned());
        table.AddColumn("pretrained vs random [[95% CI]]").AddColumn("pretrained vs package [[95% CI]]");
        foreach (var row in result.Results)
        {
            string Difference(DifferenceInterval? interval)
            {
                var text = Markup.Escape(row.DifferenceText(interval));
                return interval is null ? text : interval.IsGain(row.HigherIsBetter) ? $"[green]{text}[/]" : interval.IsLoss(row.HigherIsBetter) ? $"[red]{text}[/]" : text;
            }
            table.AddRow([Markup.Escape(row.Task), Markup.Escape(row.Metric), $"{row.Items}",
                .. Enum.GetValues<QuickstartArm>().Select(a => Markup.Escape(row.Text(a))), Difference(row.VersusRandom), Difference(row.VersusPackage)]);
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Output) });
        // Eight columns: a log file or pipe gets them on one line each rather than the 80 columns Spectre assumes there.
        if (Console.IsOutputRedirected)
            console.Profile.Width = 200;
        console.Write(table);
        foreach (var part in result.Unavailable)
            context.Output.WriteLine(part.Reason);
        context.Output.WriteLine($"report {result.ReportPath}");
        // A phase that failed or diverged is reported in its row and in the lines above, and the rest of the report stands.
        return 0;
    }
}
