using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Configuration;
using CxrVL.Data.Manifest;
using CxrVL.Tasks.Finetuning;
using YamlDotNet.RepresentationModel;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl finetune</c>: classification, segmentation or detection on top of any encoder, over several seeds.</summary>
internal sealed class FinetuneCommand : ICliCommand
{
    private static readonly Option<string> Task = new("--task")
    {
        Description = "classify, segment or detect; the recipe starts from configs/finetune/<task>.yaml and --config overlays others. Default: the task the --config recipes state (task:), else classify.",
    };

    private static readonly Option<string> Data = new("--data")
    {
        Description = "Manifest (JSONL) from 'cxrvl data build'.",
        Required = true,
    };

    private static readonly Option<string?> Encoder = new("--encoder")
    {
        Description = "random, a cxrvl pretrain run folder or checkpoint, or a weights file (ImageNet or official; set encoder.backbone).",
    };

    private static readonly Option<string?> Labels = new("--labels")
    {
        Description = "Comma-separated targets: class labels (classify), mask labels (segment) or box labels (detect).",
    };

    private static readonly Option<double?> Fraction = new("--fraction")
    {
        Description = "Share of the training split: 0.01, 0.1 or 1 (nested subsets, fixed by data.fraction_seed).",
    };

    private static readonly Option<string?> Mode = new("--mode")
    {
        Description = "linear (frozen encoder) or full (fine-tune everything).",
    };

    private static readonly Option<int?> Seeds = new("--seeds")
    {
        Description = "Training seeds, from --seed upwards; metrics as mean ± std.",
    };

    public Command Create()
    {
        var command = new Command("finetune", "Fine-tune or linearly probe an encoder for classification, segmentation or detection; metrics, predictions and plots per seed.");
        foreach (var option in new Option[] { Task, Data, Encoder, Labels, Fraction, Mode, Seeds })
            command.Options.Add(option);
        return command.AddRunOptions("--set train.epochs=5 --set data.fraction=0.1").WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var task = ChooseTask(context.Get(Task)?.ToLowerInvariant(), context.GivenRecipePaths());
        var config = context.LoadConfig<FinetuneConfig>($"finetune/{task}", overlay: true);
        config.Task = Enum.Parse<FinetuneTask>(task, ignoreCase: true);
        if (context.Get(Encoder) is { } encoder)
            config.Encoder.Source = encoder;
        if (context.Get(Labels) is { } labels)
        {
            var names = labels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            switch (config.Task)
            {
                case FinetuneTask.Classify: config.Data.Labels = names; break;
                case FinetuneTask.Segment: config.Data.MaskLabels = names; break;
                default: config.Data.BoxLabels = names; break;
            }
        }
        if (context.Get(Fraction) is { } fraction)
            config.Data.Fraction = fraction;
        if (context.Get(Mode) is { } mode)
            config.Mode = mode.ToLowerInvariant() switch
            {
                "linear" => FinetuneMode.Linear,
                "full" => FinetuneMode.Full,
                _ => throw new CxrVLException($"--mode '{mode}' is not one of linear, full."),
            };
        if (context.Get(Seeds) is { } seeds)
            config.Seeds = seeds;
        ConfigValidator.Validate(config);
        var manifest = context.Get(Data)!;
        // Before a run folder exists: a missing manifest or info file leaves nothing behind.
        _ = ManifestInfo.ReadFor(manifest);

        using var run = context.CreateRunFolder(config.Name, config);
        return TrainingRuns.Run(context, run, cancel =>
        {
            var result = context.Library.Finetune(run, config, manifest, cancel).Result;
            // A diverged seed is a failed run, whatever the other seeds did: its error names the step and what to change.
            if (result.Divergences.Count > 0)
                throw new CxrVLException(string.Join(" ", result.Divergences.Select(d => $"seed {d.Seed}: {d.Divergence.Message}")) +
                                         $" Run folder: {run.Path}.");
            context.Output.WriteLine($"run folder {run.Path}");
        }, stopping: "stopping after this step; the seed is evaluated with what it has");
    }

    /// <summary>
    /// The task of --task, else the one the --config recipes state (a recipe such as finetune/mrm-siim is a segmentation
    /// recipe: running it as the default classification would fail for want of labels), else classify.
    /// </summary>
    private static string ChooseTask(string? given, IReadOnlyList<string> recipes)
    {
        if (given is not null and not ("classify" or "segment" or "detect"))
            throw new CxrVLException($"--task '{given}' is not one of classify, segment, detect.");
        (string Task, string Recipe)? stated = null;
        foreach (var path in recipes)
        {
            if (ConfigLoader.ReadTree(path).Children.TryGetValue(new YamlScalarNode("task"), out var node) && node is YamlScalarNode { Value: { } value })
                stated = (value.ToLowerInvariant(), path);
        }
        if (given is not null && stated is { } recipeTask && recipeTask.Task != given)
            throw new CxrVLException($"--task {given} contradicts {recipeTask.Recipe}, which states task: {recipeTask.Task}; drop --task or use a {given} recipe.");
        var task = given ?? stated?.Task ?? "classify";
        if (task is not ("classify" or "segment" or "detect"))
            throw new CxrVLException($"{stated!.Value.Recipe}: task '{task}' is not one of classify, segment, detect.");
        return task;
    }
}
