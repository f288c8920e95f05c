using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Evaluation.Labeling;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl label REPORTS --out LABELS.csv</c>: the rule-based CheXpert labeler.</summary>
internal sealed class LabelCommand : ICliCommand
{
    private static readonly Argument<string> Input = new("reports") { Description = "Reports: .csv (one per row, no header, as the CheXpert labeler reads), .json (id -> text) or .jsonl (id + report per line, manifests included)." };
    private static readonly Option<string> Out = new("--out") { Required = true, Description = "Label table to write (CSV: first column, then the 14 observations as 1.0 / 0.0 / -1.0 / blank)." };

    public Command Create()
    {
        var command = new Command("label", "Label reports with the 14 CheXpert observations (1 positive, 0 negative, -1 uncertain, blank not mentioned) using the CheXpert labeler's phrases and NegEx-style negation and uncertainty rules.");
        command.Arguments.Add(Input);
        command.Options.Add(Out);
        return command.WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var source = LabelFiles.ReadReports(context.Get(Input)!);
        var labeler = ChexpertLabeler.FromDataRoot();
        var labels = source.Reports.Select(r => labeler.Label(r.Value)).ToList();
        LabelFiles.Write(context.Get(Out)!, source, labels);
        var positives = labels.Sum(l => l.Values.Count(v => v == ChexpertObservations.Positive));
        context.Output.WriteLine($"labelled {labels.Count} reports ({positives} positive labels) -> {context.Get(Out)}");
        return 0;
    }
}
