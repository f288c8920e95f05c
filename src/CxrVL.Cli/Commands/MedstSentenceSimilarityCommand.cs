using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Methods.MedST.Temporal;
using CxrVL.Text.Cleaning;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl medst sentence-similarity</c>: MS-CXR-T temporal sentence similarity from cosine scores.</summary>
internal sealed class MedstSentenceSimilarityCommand : ICliCommand
{
    private static readonly Option<string?> Subset = new("--subset") { Description = "Only this subset_name (MedST evaluates RadGraph); default all pairs." };

    private static readonly Option<int> Folds = new("--folds") { Description = "Folds for the accuracy threshold (chosen on the other folds).", DefaultValueFactory = _ => 10 };

    private static readonly Option<bool> Released = new("--released-thresholds")
    {
        Description = "MedST's released accuracy: unshuffled folds, the threshold (0 to 1 by 0.005) of the fold with the best test accuracy applied to every pair (optimistic; default: thresholds chosen on training folds only).",
    };

    private static readonly Option<string?> SentenceCleaner = new("--sentence-cleaner")
    {
        Description = "Clean each sentence with this recipe before the checkpoint's own reading: medst-sent-proc is MedST's released sent_proc (fragments joined without a space); default: the checkpoint's data.cleaner alone.",
    };

    public string Parent => "medst";

    public Command Create()
    {
        var command = new Command("sentence-similarity",
            "MS-CXR-T temporal sentence similarity: AUROC of the cosine similarity of the two sentences' embeddings (paraphrase vs contradiction), and k-fold accuracy with thresholds chosen on training folds only. --data is an 'ms-cxr-t' manifest.");
        foreach (var option in new Option[] { EvaluationOptions.Checkpoint, EvaluationOptions.Untrained, EvaluationOptions.Data, EvaluationOptions.Out, Subset, Folds, Released, SentenceCleaner })
            command.Options.Add(option);
        return command.WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        using var model = context.LoadModel();
        var metrics = TemporalSentenceSimilarity.Run(model, context.Get(EvaluationOptions.Data)!, context.Runtime.Device, context.Get(Subset),
            context.Get(Folds), context.Runtime.Seed, context.Get(Released),
            context.Get(SentenceCleaner) is { } cleaner ? ReportCleaners.BuiltIn.Create(cleaner) : null);
        context.Report(metrics);
        return 0;
    }
}
