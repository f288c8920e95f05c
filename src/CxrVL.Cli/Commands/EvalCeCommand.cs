using System.CommandLine;
using System.Text.Json;
using CxrVL.Cli.Infrastructure;
using CxrVL.Evaluation.Labeling;
using CxrVL.Runs;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl eval ce --refs R --preds P</c>: clinical efficacy (micro/macro P, R, F1 over the 14 CheXpert labels).</summary>
internal sealed class EvalCeCommand : ICliCommand
{
    private static readonly Option<string> References = new("--refs") { Required = true, Description = "Reference reports (JSON id -> text, labelled here) or their label table (.csv written by 'cxrvl label')." };
    private static readonly Option<string> Predictions = new("--preds") { Required = true, Description = "Generated reports (JSON id -> text) or their label table (.csv), with the same ids." };
    private static readonly Option<string?> Out = new("--out") { Description = "Also write the JSON to this file." };

    public string Parent => "eval";

    public Command Create()
    {
        var command = new Command("ce", "Clinical efficacy: label references and predictions with the CheXpert labeler (or read label tables) and print micro/macro precision, recall and F1 over the 14 observations; positive = 1, uncertain and blank count as negative (R2Gen's compute_ce).");
        command.Options.Add(References);
        command.Options.Add(Predictions);
        command.Options.Add(Out);
        return command.WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var result = ClinicalEfficacyFiles.Compute(context.Get(References)!, context.Get(Predictions)!);
        if (result.EmptyReferences.Count > 0)
            context.Error.WriteLine($"warning: {result.EmptyReferences.Count} reference report(s) are empty and left out of the scores " +
                                    $"(ids {string.Join(", ", result.EmptyReferences.Take(10))}{(result.EmptyReferences.Count > 10 ? ", ..." : "")}); " +
                                    $"scored the other {result.Scores.Samples}.");
        var json = JsonSerializer.Serialize(result.Scores.ToDictionary(), new JsonSerializerOptions { WriteIndented = true });
        context.Output.WriteLine(json);
        if (context.Get(Out) is { } outPath)
            AtomicFile.WriteAllText(outPath, json + "\n");
        return 0;
    }
}
