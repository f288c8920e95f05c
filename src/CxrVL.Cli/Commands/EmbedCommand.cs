using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Tasks.Embedding;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl embed</c>: image and report embeddings of a manifest split, as safetensors with the study ids.</summary>
internal sealed class EmbedCommand : ICliCommand
{
    public Command Create() =>
        new Command("embed", "Embed the images and reports of a manifest split with a trained model; writes embeddings.safetensors (image_embeddings, text_embeddings, study ids).")
            .AddEvaluationOptions()
            .WithAction(Run);

    private static int Run(CommandContext context)
    {
        using var model = context.LoadModel();
        using var pairs = context.EmbedSplit(model);
        var directory = context.Get(EvaluationOptions.Out) ?? ".";
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "embeddings.safetensors");
        Embedder.Write(pairs, path, model.Weights);
        context.Report(new Dictionary<string, object>
        {
            ["pairs"] = pairs.Rows.Count,
            ["dim"] = pairs.Images.shape[1],
            ["file"] = Path.GetFullPath(path),
        });
        return 0;
    }
}
