using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using CxrVL.Cli.Infrastructure;
using CxrVL.Evaluation.Labeling;
using CxrVL.Evaluation.Nlg;
using CxrVL.Evaluation.Reports;
using CxrVL.Runs;
using CxrVL.Text.Cleaning;

namespace CxrVL.Cli.Commands;

/// <summary>
/// <c>cxrvl eval compare --refs R --preds A --preds B</c>: two systems' reports for the same references, every metric's
/// difference with a paired bootstrap interval and an approximate-randomization p-value, and diversity figures.
/// </summary>
internal sealed class EvalCompareCommand : ICliCommand
{
    private static readonly Option<string> References = new("--refs") { Required = true, Description = "JSON object: id -> reference text (or list of texts; clinical efficacy labels the first)." };
    private static readonly Option<string[]> Predictions = new("--preds") { Required = true, Description = "JSON object id -> generated text; give it twice: system A (the baseline), then system B." };
    private static readonly Option<int> Bootstrap = new("--bootstrap") { DefaultValueFactory = _ => 1000, Description = "Paired bootstrap resamples for the intervals of the differences (0: none)." };
    private static readonly Option<int> Trials = new("--trials") { DefaultValueFactory = _ => 10_000, Description = "Approximate-randomization trials (all assignments when that many cover them)." };
    private static readonly Option<string?> Clean = new("--clean") { Description = "Clean every text first with a recipe (r2gen-iu, r2gen-mimic, ...), as 'cxrvl eval nlg --clean'." };
    private static readonly Option<string?> Out = new("--out") { Description = "Folder for comparison.json, per_report.csv and the label tables (labels_refs.csv, labels_A.csv, labels_B.csv)." };
    private static readonly LabelerOptionSet Labeler = new();

    public string Parent => "eval";

    public Command Create()
    {
        var command = new Command("compare", "Compare two systems' reports for the same references: BLEU, ROUGE-L, CIDEr-D, clinical efficacy, words and repeated sentences of A and B, B - A with a paired bootstrap interval and a two-sided approximate-randomization p-value (RadEval's test), diversity figures (distinct-n, distinct reports, repeated sentences, vocabulary coverage); per-report scores with --out.");
        command.Options.Add(References);
        command.Options.Add(Predictions);
        command.Options.Add(Bootstrap);
        command.Options.Add(Trials);
        command.Options.Add(Clean);
        command.Options.Add(Out);
        return Labeler.AddTo(command).WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var (referencesPath, predictions) = (context.Get(References)!, context.Get(Predictions)!);
        if (predictions.Length != 2)
            throw new CxrVLException($"give --preds exactly twice (system A, then system B); got {predictions.Length}.");
        var (a, b) = (TextFiles.Pair(referencesPath, predictions[0]), TextFiles.Pair(referencesPath, predictions[1]));
        if (context.Get(Clean) is { } recipe)
        {
            var cleaner = ReportCleaners.BuiltIn.Create(recipe);
            (a, b) = (NlgEvaluator.Clean(a, cleaner), NlgEvaluator.Clean(b, cleaner));
        }
        var options = new ReportScoringOptions(context.Get(Labeler.Uncertain) ?? UncertainLabels.Positive, context.Get(Bootstrap), context.Get(Trials), context.Runtime.Seed);
        SystemComparison comparison;
        using (var labeler = ReportLabelers.Create(Labeler.Read(context)))
            comparison = ReportScoring.Compare(a, b, labeler, options);

        var json = new JsonObject
        {
            ["systems"] = new JsonObject { ["A"] = predictions[0], ["B"] = predictions[1] },
            ["references"] = referencesPath,
            ["samples"] = a.Count,
            ["metrics"] = ReportJson.Comparison(comparison.Metrics),
            ["diversity"] = new JsonObject { ["A"] = ReportJson.Diversity(comparison.DiversityA), ["B"] = ReportJson.Diversity(comparison.DiversityB) },
            ["bootstrap"] = ReportJson.Bootstrap(options),
            ["randomization"] = new JsonObject
            {
                ["trials"] = comparison.Randomization.Trials, ["exhaustive"] = comparison.Randomization.Exhaustive, ["seed"] = options.Seed,
                ["method"] = "two-sided approximate randomization (RadEval): the two reports of each reference swapped with probability 1/2; p = trials with |B - A| at least the observed, over trials",
            },
        };
        ReportJson.AddLabeling(json, comparison.Labeler, options.Uncertain);
        if (context.Get(Clean) is { } cleaned)
            json["clean"] = cleaned;
        json["computed"] = ReportJson.Definitions();
        var text = json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        context.Output.WriteLine(text);
        if (context.Get(Out) is { } folder)
        {
            Directory.CreateDirectory(folder);
            AtomicFile.WriteAllText(Path.Combine(folder, "comparison.json"), text + "\n");
            PerReportCsv.Write(Path.Combine(folder, "per_report.csv"), [("A", comparison.StatisticsA), ("B", comparison.StatisticsB)]);
            var ids = new ReportSource("id", a.Select(s => new KeyValuePair<string, string>(s.Id, s.Id)).ToList());
            LabelFiles.Write(Path.Combine(folder, "labels_refs.csv"), ids, comparison.ReferenceLabels);
            LabelFiles.Write(Path.Combine(folder, "labels_A.csv"), ids, comparison.LabelsA);
            LabelFiles.Write(Path.Combine(folder, "labels_B.csv"), ids, comparison.LabelsB);
        }
        return 0;
    }
}
