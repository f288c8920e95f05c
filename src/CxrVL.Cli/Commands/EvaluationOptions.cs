using System.CommandLine;
using System.Text.Json;
using CxrVL.Cli.Infrastructure;
using CxrVL.Data.Manifest;
using CxrVL.Tasks.Embedding;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tasks.Retrieval;
using CxrVL.Tasks.ZeroShot;

namespace CxrVL.Cli.Commands;

/// <summary>The options embed, zeroshot and retrieve share, and the steps they share: load the model, embed the split.</summary>
internal static class EvaluationOptions
{
    public static readonly Option<string> Checkpoint = new("--checkpoint")
    {
        Description = "A run folder (its best, else last checkpoint), a checkpoint folder or a weights file.",
        Required = true,
    };

    public static readonly Option<bool> Untrained = new("--untrained")
    {
        Description = "Use the checkpoint's architecture with fresh random weights: the baseline to compare with.",
    };

    public static readonly Option<string> Data = new("--data") { Description = "Manifest (JSONL).", Required = true };

    public static readonly Option<string> Split = new("--split")
    {
        Description = "Split to evaluate, or 'all' (default: test, or every row when the manifest has no splits).",
        DefaultValueFactory = _ => ManifestSplits.Test,
    };

    public static readonly Option<string?> Out = new("--out") { Description = "Folder for metrics.json and the other outputs." };

    public static readonly Option<bool> SkipBad = new("--skip-bad") { Description = "Skip rows whose image or report is missing or unreadable (counted)." };

    public static readonly Option<int?> AttentionMaps = new("--attention-maps")
    {
        Description = "Also draw N word-to-region attention heat maps (PNG, --out/attention/) for the split's first pairs; gloria and mgca.",
    };

    public static Command AddEvaluationOptions(this Command command)
    {
        foreach (var option in new Option[] { Checkpoint, Untrained, Data, Split, Out, SkipBad, InferencePrecisionOption.Option })
            command.Options.Add(option);
        return command;
    }

    public static PretrainedModel LoadModel(this CommandContext context) =>
        context.Library.Load(context.Get(Checkpoint)!, untrained: context.Get(Untrained), InferencePrecisionOption.Get(context));

    /// <summary>With <c>--attention-maps N</c>, writes N heat-map overlays into <c>--out</c>/attention and says where.</summary>
    public static void WriteAttentionMaps(this CommandContext context, PretrainedModel model)
    {
        if (context.Get(AttentionMaps) is not { } count)
            return;
        var directory = context.Get(Out) is { } output
            ? Path.Combine(output, "attention")
            : throw new CxrVLException("--attention-maps needs --out DIR: the heat maps are written to DIR/attention/.");
        var manifest = ManifestData.Open(context.Get(Data)!);
        var files = AttentionMapWriter.Write(model, Embedder.SelectRows(manifest, context.Get(Split)!), manifest.Root, context.Runtime.Device,
                                             count, directory, context.Get(SkipBad));
        context.Output.WriteLine($"attention maps: {files.Count} PNG files in {directory}");
    }

    public static PairEmbeddings EmbedSplit(this CommandContext context, PretrainedModel model) =>
        context.Library.Embed(model, context.Get(Data)!, context.Get(Split)!, context.Get(SkipBad));

    public static ZeroShotResult ZeroShot(this CommandContext context, PretrainedModel model, ZeroShotConfig task) =>
        context.Library.ZeroShot(model, context.Get(Data)!, task, context.Get(Split)!, context.Get(SkipBad));

    public static RetrievalResult Retrieve(this CommandContext context, PretrainedModel model, ZeroShotConfig? classes) =>
        context.Library.Retrieve(model, context.Get(Data)!, context.Get(Split)!, classes, context.Get(SkipBad));

    /// <summary>Prints the metrics as JSON and writes them to --out/metrics.json when --out is given.</summary>
    public static void Report(this CommandContext context, object metrics)
    {
        // A metric that is undefined on this split (AUROC of a class without positives) is written as "NaN".
        var json = JsonSerializer.Serialize(metrics, new JsonSerializerOptions
        {
            WriteIndented = true,
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        });
        context.Output.WriteLine(json);
        if (context.Get(Out) is { } directory)
        {
            Directory.CreateDirectory(directory);
            Runs.AtomicFile.WriteAllText(Path.Combine(directory, "metrics.json"), json + Environment.NewLine);
        }
    }
}
