using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Configuration;
using CxrVL.Tasks.Retrieval;
using CxrVL.Tasks.ZeroShot;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl retrieve</c>: image-to-text and text-to-image Recall@K, and Precision@K by class agreement.</summary>
internal sealed class RetrieveCommand : ICliCommand
{
    private static readonly Option<string?> Classes = new("--classes")
    {
        Description = "Zero-shot recipe whose classes define label agreement for Precision@K (e.g. zeroshot/covid-finding).",
    };

    public Command Create()
    {
        var command = new Command("retrieve", "Image-report retrieval on a manifest split: Recall@1/5/10 both ways, Precision@K by class agreement with --classes.")
            .AddEvaluationOptions();
        command.Options.Add(Classes);
        command.Options.Add(EvaluationOptions.AttentionMaps);
        return command.WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        using var model = context.LoadModel();
        context.WriteAttentionMaps(model);
        using var pairs = context.EmbedSplit(model);
        var texts = pairs.Rows.Select(r => r.Report?.Join(model.Config.Data.ReportSections) ?? "").ToList();
        var classes = context.Get(Classes) is { } recipe
            ? ZeroShotEvaluation.ClassesOf(pairs.Rows, ConfigLoader.Load<ZeroShotConfig>(RecipeLocator.Resolve(recipe)))
            : null;
        context.Report(RetrievalEvaluation.Evaluate(pairs, texts, classes));
        return 0;
    }
}
