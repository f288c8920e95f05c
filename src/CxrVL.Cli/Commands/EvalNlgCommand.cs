using System.CommandLine;
using System.Text.Json;
using CxrVL.Cli.Infrastructure;
using CxrVL.Evaluation.Nlg;
using CxrVL.Evaluation.Nlg.Meteor;
using CxrVL.Runs;
using CxrVL.Text.Cleaning;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl eval nlg --refs R.json --preds P.json</c>: BLEU-1..4, ROUGE-L, CIDEr-D and METEOR 1.5 as coco-caption computes them.</summary>
internal sealed class EvalNlgCommand : ICliCommand
{
    private static readonly Option<string> References = new("--refs") { Required = true, Description = "JSON object: id -> reference text, or id -> list of reference texts." };
    private static readonly Option<string> Predictions = new("--preds") { Required = true, Description = "JSON object: id -> generated text (the same ids as --refs)." };
    private static readonly Option<string?> CiderCorpus = new("--cider-corpus") { Description = "Texts for CIDEr-D's document frequencies (JSON array, or object of texts), e.g. the training reports as XProNet does; default: the references being scored." };
    private static readonly Option<string?> Clean = new("--clean") { Description = "Clean every text first with a recipe (r2gen-iu, r2gen-mimic, ...), as R2Gen feeds its scorers; default: score the texts as given." };
    private static readonly Option<string?> WordNet = new("--wordnet") { Description = $"WordNet 3.0 dict folder for METEOR's synonym module (default: ${WordNetSynonyms.DirectoryVariable}, else {WordNetSynonyms.DefaultDirectory}, Debian's wordnet-base); without one the module is skipped and the output says so." };
    private static readonly Option<string?> Paraphrase = new("--meteor-paraphrase") { Description = $"METEOR 1.5's paraphrase table (data/paraphrase-en.gz beside meteor-1.5.jar) for its paraphrase module (default: ${ParaphraseTable.FileVariable}); without one the module is skipped and the output says so." };
    private static readonly Option<string?> Out = new("--out") { Description = "Also write the JSON to this file." };

    public string Parent => "eval";

    public Command Create()
    {
        var command = new Command("nlg", "Score generated reports against references: BLEU_1..BLEU_4 (corpus BLEU, closest reference length), ROUGE_L (beta 1.2), CIDEr (CIDEr-D, sigma 6) and METEOR (1.5, English: exact, stem, WordNet synonym and, given its table, paraphrase modules), on the texts as given (no PTB tokenizer), as R2Gen/XProNet call pycocoevalcap.");
        command.Options.Add(References);
        command.Options.Add(Predictions);
        command.Options.Add(CiderCorpus);
        command.Options.Add(Clean);
        command.Options.Add(WordNet);
        command.Options.Add(Paraphrase);
        command.Options.Add(Out);
        return command.WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var samples = TextFiles.Pair(context.Get(References)!, context.Get(Predictions)!);
        var corpusPath = context.Get(CiderCorpus);
        var cleaner = context.Get(Clean) is { } recipe ? ReportCleaners.BuiltIn.Create(recipe) : null;
        var meteor = MeteorScorer.ForEnglish(context.Get(WordNet), context.Get(Paraphrase), out var skipped);
        if (skipped is not null)
            context.Error.WriteLine(skipped);
        var scores = NlgEvaluator.Evaluate(samples, corpusPath is null ? null : TextFiles.ReadCorpus(corpusPath), cleaner, meteor);
        var printed = new Dictionary<string, object?>();
        foreach (var (name, value) in scores.ToDictionary())
            printed[name] = value;
        printed["computed"] = NlgScores.Definitions(corpusPath is not null, meteor.Modules);
        var json = JsonSerializer.Serialize(printed, new JsonSerializerOptions { WriteIndented = true });
        context.Output.WriteLine(json);
        if (context.Get(Out) is { } outPath)
            AtomicFile.WriteAllText(outPath, json + "\n");
        return 0;
    }
}
