using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Configuration;
using CxrVL.Runs;
using CxrVL.Tasks.ZeroShot;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl zeroshot</c>: zero-shot classification from class prompts; metrics.json and per-image scores.csv.</summary>
internal sealed class ZeroShotCommand : ICliCommand
{
    private static readonly Option<string> Classes = new("--classes")
    {
        Description = "Zero-shot recipe with the classes' prompts and labels: a YAML file or a name under configs/ (e.g. zeroshot/covid-finding).",
        Required = true,
    };

    private static readonly Option<string[]> Set = new("--set") { Description = "Override a key of the zero-shot recipe (e.g. bootstrap=200)." };

    public Command Create()
    {
        var command = new Command("zeroshot", "Zero-shot classification of a manifest split by image-prompt similarity, with AUROC from scores, accuracy, macro F1 and bootstrap intervals.")
            .AddEvaluationOptions();
        command.Options.Add(Classes);
        command.Options.Add(Set);
        command.Options.Add(EvaluationOptions.AttentionMaps);
        return command.WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var config = ConfigLoader.Load<ZeroShotConfig>(RecipeLocator.Resolve(context.Get(Classes)!), context.Get(Set) ?? []);
        using var model = context.LoadModel();
        context.WriteAttentionMaps(model);
        var result = context.ZeroShot(model, config);
        if (context.Get(EvaluationOptions.Out) is { } directory)
        {
            Directory.CreateDirectory(directory);
            AtomicFile.WriteAllText(Path.Combine(directory, "scores.csv"), result.ScoresCsv());
        }
        context.Report(result.Metrics);
        return 0;
    }
}
