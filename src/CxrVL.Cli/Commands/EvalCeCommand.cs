using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using CxrVL.Cli.Infrastructure;
using CxrVL.Evaluation.Labeling;
using CxrVL.Runs;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl eval ce --refs R --preds P [--labeler chexbert --weights F] [--uncertain positive]</c>: clinical efficacy.</summary>
internal sealed class EvalCeCommand : ICliCommand
{
    private static readonly Option<string> References = new("--refs") { Required = true, Description = "Reference reports (JSON id -> text, labelled here) or their label table (.csv written by 'cxrvl label')." };
    private static readonly Option<string> Predictions = new("--preds") { Required = true, Description = "Generated reports (JSON id -> text) or their label table (.csv), with the same ids." };
    private static readonly Option<string?> Out = new("--out") { Description = "Also write the JSON to this file." };
    private static readonly LabelerOptionSet Labeler = new();

    public string Parent => "eval";

    public Command Create()
    {
        var command = new Command("ce", "Clinical efficacy: label references and predictions (rule-based labeler or CheXbert; or read label tables) and print precision, recall and F1, micro, macro and weighted, over the 14 CheXpert observations and over the 5 main ones (_5), with the label order.");
        command.Options.Add(References);
        command.Options.Add(Predictions);
        command.Options.Add(Out);
        return Labeler.AddTo(command).WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var result = ClinicalEfficacyFiles.Compute(context.Get(References)!, context.Get(Predictions)!, Labeler.Read(context),
                                                   context.Get(Labeler.Uncertain) ?? UncertainLabels.Positive);
        if (result.EmptyReferences.Count > 0)
            context.Error.WriteLine($"warning: {result.EmptyReferences.Count} reference report(s) are empty and left out of the scores " +
                                    $"(ids {string.Join(", ", result.EmptyReferences.Take(10))}{(result.EmptyReferences.Count > 10 ? ", ..." : "")}); " +
                                    $"scored the other {result.Scores.Samples}.");
        var json = new JsonObject();
        foreach (var (name, value) in result.Scores.ToDictionary())
            json[name] = value;
        json["labeler"] = result.Labeler;
        json["uncertain"] = result.Scores.Uncertain.ToString().ToLowerInvariant();
        json["samples"] = result.Scores.Samples;
        json["labels"] = new JsonArray(result.Scores.All.Observations.Select(o => (JsonNode)o).ToArray());
        json["labels_5"] = new JsonArray(result.Scores.Main.Observations.Select(o => (JsonNode)o).ToArray());
        var text = json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        context.Output.WriteLine(text);
        if (context.Get(Out) is { } outPath)
            AtomicFile.WriteAllText(outPath, text + "\n");
        return 0;
    }
}
