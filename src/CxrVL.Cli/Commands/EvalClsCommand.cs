using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Data.Builders;
using CxrVL.Evaluation.Classification;
using CxrVL.Evaluation.Plots;
using CxrVL.Runs;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl eval cls</c>: per-label and macro AUROC / AP, with bootstrap intervals, from a labels CSV and a scores CSV.</summary>
internal sealed class EvalClsCommand : ICliCommand
{
    private static readonly Option<string> Labels = new("--labels")
    {
        Description = "CSV of labels: header 'id,<label>,...'; cells 1, 0, -1 (uncertain) or blank (unknown).",
        Required = true,
    };

    private static readonly Option<string> Scores = new("--scores")
    {
        Description = "CSV of scores with the same header layout; rows are matched to labels by id.",
        Required = true,
    };

    private static readonly Option<int> BootstrapResamples = new("--bootstrap")
    {
        Description = "Bootstrap resamples of the images for 95% percentile intervals (0: none).",
        DefaultValueFactory = _ => 0,
    };

    private static readonly Option<string?> Out = new("--out")
    {
        Description = "Folder to write metrics.json (and the curves with --plots) into.",
    };

    private static readonly Option<bool> SkipBad = new("--skip-bad")
    {
        Description = "Skip and count ids found in only one file and rows with bad values, instead of failing.",
    };

    private static readonly Option<bool> Plots = new("--plots")
    {
        Description = "Also write ROC and precision-recall curves per label as PNG files into --out.",
    };

    private static readonly Option<string> Uncertain = new("--uncertain")
    {
        Description = "Uncertain (-1) labels: ignore (left out of that label, the default), ones (positive), zeros (negative).",
        DefaultValueFactory = _ => "ignore",
    };

    public string Parent => "eval";

    public Command Create()
    {
        var command = new Command("cls", "Classification metrics: AUROC and average precision per label and their macro means (over labels with both classes), optionally with bootstrap intervals.");
        command.Options.Add(Labels);
        command.Options.Add(Scores);
        command.Options.Add(BootstrapResamples);
        command.Options.Add(Out);
        command.Options.Add(SkipBad);
        command.Options.Add(Plots);
        command.Options.Add(Uncertain);
        return command.WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var resamples = context.Get(BootstrapResamples);
        if (resamples < 0)
            throw new CxrVLException($"--bootstrap must be 0 or more, not {resamples}.");
        var outDirectory = context.Get(Out);
        var plots = context.Get(Plots);
        if (plots && outDirectory is null)
            throw new CxrVLException("--plots needs --out DIR to write the PNG files into.");

        var table = LabelScoreFiles.Read(context.Get(Labels)!, context.Get(Scores)!, context.Get(SkipBad));
        var result = MultiLabelEvaluator.Evaluate(table.LabelNames, table.Scores, table.Labels, new MultiLabelOptions
        {
            BootstrapResamples = resamples,
            Seed = context.Get(GlobalOptions.Seed),
            Uncertain = Enum.TryParse<UncertainPolicy>(context.Get(Uncertain), ignoreCase: true, out var policy)
                ? policy
                : throw new CxrVLException($"--uncertain must be ignore, ones or zeros; got '{context.Get(Uncertain)}'."),
            KeepCurves = plots,
        });
        var json = MultiLabelReport.Format(MultiLabelReport.ToJson(result, table));
        context.Output.WriteLine(json);
        if (outDirectory is not null)
        {
            AtomicFile.WriteAllText(Path.Combine(outDirectory, "metrics.json"), json + Environment.NewLine);
            if (plots)
                CurvePlots.WriteAll(outDirectory, result);
        }
        return 0;
    }
}
