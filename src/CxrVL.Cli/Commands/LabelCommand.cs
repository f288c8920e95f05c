using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Evaluation.Labeling;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl label REPORTS --out LABELS.csv [--labeler chexbert --weights chexbert.pth]</c>: CheXpert labels of reports.</summary>
internal sealed class LabelCommand : ICliCommand
{
    private static readonly Argument<string> Input = new("reports") { Description = "Reports: .csv (one per row, no header, as the CheXpert labeler reads), .json (id -> text) or .jsonl (id + report per line, manifests included)." };
    private static readonly Option<string> Out = new("--out") { Required = true, Description = "Label table to write (CSV: first column, then the 14 observations as 1.0 / 0.0 / -1.0 / blank)." };
    private static readonly LabelerOptionSet Labeler = new();

    public Command Create()
    {
        var command = new Command("label", "Label reports with the 14 CheXpert observations (1 positive, 0 negative, -1 uncertain, blank not mentioned): the rule-based labeler (the CheXpert labeler's phrases, NegEx-style negation and uncertainty) or CheXbert.");
        command.Arguments.Add(Input);
        command.Options.Add(Out);
        return Labeler.AddTo(command, uncertain: false).WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var source = LabelFiles.ReadReports(context.Get(Input)!);
        using var labeler = ReportLabelers.Create(Labeler.Read(context));
        var labels = labeler.Label(source.Reports.Select(r => r.Value).ToList());
        LabelFiles.Write(context.Get(Out)!, source, labels);
        var positives = labels.Sum(l => l.Values.Count(v => v == ChexpertObservations.Positive));
        context.Output.WriteLine($"labelled {labels.Count} reports with {labeler.Name} ({positives} positive labels) -> {context.Get(Out)}");
        return 0;
    }
}
