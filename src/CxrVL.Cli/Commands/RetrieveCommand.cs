using System.CommandLine;
using CxrVL.Cli.Infrastructure;

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
        var classes = context.Get(Classes) is { } recipe ? CxrVLContext.ZeroShotRecipe(recipe) : null;
        context.Report(context.Retrieve(model, classes).ToMetrics());
        return 0;
    }
}
