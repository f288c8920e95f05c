using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Tasks.Pretraining;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl pretrain</c>: image-report pretraining with any registered method on the shared trainer.</summary>
internal sealed class PretrainCommand : ICliCommand
{
    private static readonly Option<string> Method = new("--method")
    {
        Description = $"Pretraining method: {string.Join(", ", PretrainingMethods.Names)}.",
        Required = true,
    };

    private static readonly Option<string> Data = new("--data")
    {
        Description = "Manifest (JSONL) from 'cxrvl data build'.",
        Required = true,
    };

    private static readonly Option<string?> Resume = new("--resume")
    {
        Description = "Continue a run: its folder or one of its checkpoints (use the same --seed).",
    };

    private static readonly Option<string?> Init = new("--init")
    {
        Description = "Initial weights (.pt or .safetensors), loaded strictly by name.",
    };

    public Command Create()
    {
        var command = new Command("pretrain", "Pretrain image and report encoders together (clip, gloria, mgca) on a manifest; --config overlays recipes on configs/pretrain/<method>.yaml.");
        command.Options.Add(Method);
        command.Options.Add(Data);
        command.Options.Add(Resume);
        command.Options.Add(Init);
        return command.AddRunOptions().WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var method = context.Get(Method)!;
        var config = context.LoadConfig<PretrainConfig>($"pretrain/{method.ToLowerInvariant()}", overlay: true);
        config.Method = method;
        var manifest = context.Get(Data)!;
        if (!File.Exists(manifest))
            throw new CxrVLException($"manifest '{manifest}' does not exist: build one with 'cxrvl data build'.");
        var resume = context.Get(Resume);
        var runtime = context.Runtime;
        return TrainingRuns.Run(context, config.Name, config, resume,
            (run, cancel) => Pretraining.Run(config, manifest, run, runtime, resume, context.Get(Init), cancel).Training);
    }
}
