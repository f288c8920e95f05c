using System.CommandLine;
using System.Text.Json;
using CxrVL.Cli.Infrastructure;
using CxrVL.Evaluation.Labeling;
using CxrVL.Runs;
using CxrVL.Tasks.ReportGeneration;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl rrg test</c> and <c>cxrvl rrg nearest</c>: a split's generated (or retrieved) reports and their metrics.</summary>
internal sealed class RrgTestCommand : ICliCommand
{
    internal static readonly Option<string> Checkpoint = new("--checkpoint") { Description = "A 'cxrvl rrg train' run folder or checkpoint.", Required = true };

    internal static readonly Option<string> Data = new("--data") { Description = "Manifest (JSONL) from 'cxrvl data build'.", Required = true };

    internal static readonly Option<string?> Split = new("--split") { Description = "Split to score (default: the recipe's data.test_split)." };

    internal static readonly Option<string?> Out = new("--out")
    {
        Description = "Folder for metrics.json, preds.json and refs.json (default: <run folder>/test-<split>, for nearest <run folder>/nearest-<split>).",
    };

    internal static readonly Option<int?> Bootstrap = new("--bootstrap")
    {
        Description = "Bootstrap resamples of the reports for the 95% intervals, seeded by --seed (default: the recipe's eval.bootstrap, 1000; 0: none).",
    };

    /// <summary>Unset options keep the recipe's <c>eval:</c> section.</summary>
    internal static readonly LabelerOptionSet Labeler = new(withDefaults: false);

    private static readonly Option<string?> Labels = new("--labels")
    {
        Description = "Prototype-selection labels: classifier (the image classifier trained alongside; default) or report (labels of the reference report, the seed's protocol: leaks test information).",
    };

    public string Parent => "rrg";

    public Command Create()
    {
        var command = new Command("test", "Generate reports for a split and score them: BLEU_1..4, ROUGE_L, CIDEr (as 'cxrvl eval nlg'), clinical efficacy (CE_*, as 'cxrvl eval ce'), each with a 95% bootstrap interval over the reports; a summary on the console, everything in metrics.json.");
        command.Options.Add(Checkpoint);
        command.Options.Add(Data);
        command.Options.Add(Split);
        command.Options.Add(Labels);
        command.Options.Add(Bootstrap);
        command.Options.Add(Out);
        return Labeler.AddTo(command).WithAction(context =>
        {
            using var generator = ReportGenerator.Load(context.Get(Checkpoint)!, context.Runtime.Device);
            var eval = EvalConfig(context, generator);
            using var labeler = ReportLabelers.Create(eval.LabelerOptions());
            var split = context.Get(Split) ?? generator.Config.Data.TestSplit;
            var labelSource = context.Get(Labels) ?? generator.Config.Data.EvalLabels;
            var reports = ReportEvaluation.Generate(generator, context.Get(Data)!, split, labelSource, context.Runtime.Seed);
            var result = ReportEvaluation.Score(reports, labeler, eval.ScoringOptions(context.Runtime.Seed));
            return Write(context, generator, result, "test", ("prototype_labels", labelSource));
        });
    }

    /// <summary>The recipe's <c>eval:</c> section with the command's labeler and bootstrap options over it.</summary>
    internal static RrgEvalConfig EvalConfig(CommandContext context, ReportGenerator generator) =>
        generator.Config.Eval.With(context.Get(Labeler.Labeler), context.Get(Labeler.Weights), context.Get(Labeler.Uncertain), context.Get(Bootstrap));

    /// <summary>Writes metrics.json, preds.json and refs.json into the output folder and prints the summary.</summary>
    internal static int Write(CommandContext context, ReportGenerator generator, ReportEvaluationResult result, string command,
                              params (string Key, string Value)[] settings)
    {
        var folder = context.Get(Out) ?? Path.Combine(generator.RunDirectory, $"{command}-{result.Reports.Split}");
        var json = result.ToJson();
        json["checkpoint"] = generator.Weights;
        json["data"] = Path.GetFullPath(context.Get(Data)!);
        foreach (var (key, value) in settings)
            json[key] = value;
        var indented = new JsonSerializerOptions { WriteIndented = true };
        Directory.CreateDirectory(folder);
        var metricsPath = Path.Combine(folder, "metrics.json");
        AtomicFile.WriteAllText(metricsPath, json.ToJsonString(indented) + "\n");
        AtomicFile.WriteAllText(Path.Combine(folder, "preds.json"), JsonSerializer.Serialize(result.Predictions, indented) + "\n");
        AtomicFile.WriteAllText(Path.Combine(folder, "refs.json"), JsonSerializer.Serialize(result.References, indented) + "\n");
        context.Output.Write($"cxrvl rrg {command}: {result.Summary()}");
        context.Output.WriteLine($"wrote {metricsPath} (every number above with its interval), preds.json and refs.json");
        return 0;
    }
}
