using System.CommandLine;
using System.Text.Json;
using CxrVL.Cli.Infrastructure;
using CxrVL.Runs;
using CxrVL.Tasks.ReportGeneration;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl rrg test</c> and <c>cxrvl rrg nearest</c>: a split's generated (or retrieved) reports and their metrics.</summary>
internal sealed class RrgTestCommand : ICliCommand
{
    internal static readonly Option<string> Checkpoint = new("--checkpoint") { Description = "A 'cxrvl rrg train' run folder or checkpoint.", Required = true };

    internal static readonly Option<string> Data = new("--data") { Description = "Manifest (JSONL) from 'cxrvl data build'.", Required = true };

    internal static readonly Option<string?> Split = new("--split") { Description = "Split to score (default: the recipe's data.test_split)." };

    internal static readonly Option<string?> Out = new("--out") { Description = "Folder for preds.json, refs.json and metrics.json." };

    private static readonly Option<string?> Labels = new("--labels")
    {
        Description = "Prototype-selection labels: classifier (the image classifier trained alongside; default) or report (labels of the reference report, the seed's protocol: leaks test information).",
    };

    public string Parent => "rrg";

    public Command Create()
    {
        var command = new Command("test", "Generate reports for a split and score them: BLEU_1..4, ROUGE_L, CIDEr (as 'cxrvl eval nlg'), clinical efficacy (CE_*).");
        command.Options.Add(Checkpoint);
        command.Options.Add(Data);
        command.Options.Add(Split);
        command.Options.Add(Labels);
        command.Options.Add(Out);
        return command.WithAction(context =>
        {
            using var generator = ReportGenerator.Load(context.Get(Checkpoint)!, context.Runtime.Device);
            var split = context.Get(Split) ?? generator.Config.Data.TestSplit;
            var result = ReportEvaluation.Generate(generator, context.Get(Data)!, split, context.Get(Labels) ?? generator.Config.Data.EvalLabels, context.Runtime.Seed);
            return Write(context, result);
        });
    }

    internal static int Write(CommandContext context, ReportEvaluationResult result)
    {
        var indented = new JsonSerializerOptions { WriteIndented = true };
        var json = JsonSerializer.Serialize(result.ToDictionary(), indented);
        context.Output.WriteLine(json);
        if (context.Get(Out) is { } folder)
        {
            Directory.CreateDirectory(folder);
            AtomicFile.WriteAllText(Path.Combine(folder, "preds.json"), JsonSerializer.Serialize(result.Predictions, indented) + "\n");
            AtomicFile.WriteAllText(Path.Combine(folder, "refs.json"), JsonSerializer.Serialize(result.References, indented) + "\n");
            AtomicFile.WriteAllText(Path.Combine(folder, "metrics.json"), json + "\n");
        }
        return 0;
    }
}
