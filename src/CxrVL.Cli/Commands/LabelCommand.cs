using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Evaluation.Labeling;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl label REPORTS --out LABELS.csv [--labeler chexbert --weights chexbert.pth]</c>: CheXpert labels of reports.</summary>
internal sealed class LabelCommand : ICliCommand
{
    private static readonly Argument<string> Input = new("reports") { Description = "Reports: .csv (one per row, no header, as the CheXpert labeler reads), .json (id -> text) or .jsonl (id + report per line, manifests included)." };
    private static readonly Option<string> Out = new("--out") { Required = true, Description = "Label table to write (CSV: first column, then the 14 observations as 1.0 / 0.0 / -1.0 / blank)." };

    internal static readonly Option<string> Labeler = new("--labeler")
    {
        DefaultValueFactory = _ => "rules",
        Description = "rules (the rule-based CheXpert labeler) or chexbert (CheXbert: bert-base-uncased with 14 heads; needs --weights).",
    };

    internal static readonly Option<string?> Weights = new("--weights") { Description = $"CheXbert's checkpoint (chexbert.pth), published in {ChexbertLabeler.PublishedAt}." };

    public Command Create()
    {
        var command = new Command("label", "Label reports with the 14 CheXpert observations (1 positive, 0 negative, -1 uncertain, blank not mentioned): the rule-based labeler (the CheXpert labeler's phrases, NegEx-style negation and uncertainty) or CheXbert.");
        command.Arguments.Add(Input);
        command.Options.Add(Out);
        command.Options.Add(Labeler);
        command.Options.Add(Weights);
        return command.WithAction(Run);
    }

    internal static LabelerOptions Options(CommandContext context) => new(ReportLabelers.Parse(context.Get(Labeler)!), context.Get(Weights));

    private static int Run(CommandContext context)
    {
        var source = LabelFiles.ReadReports(context.Get(Input)!);
        var options = Options(context);
        _ = context.Runtime;  // CheXbert runs on the tool's torch threads
        using var labeler = ReportLabelers.Create(options);
        var labels = labeler.Label(source.Reports.Select(r => r.Value).ToList());
        LabelFiles.Write(context.Get(Out)!, source, labels);
        var positives = labels.Sum(l => l.Values.Count(v => v == ChexpertObservations.Positive));
        context.Output.WriteLine($"labelled {labels.Count} reports with {labeler.Name} ({positives} positive labels) -> {context.Get(Out)}");
        return 0;
    }
}
