using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Models;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl weights forward --arch A --weights FILE --input IN.safetensors --output OUT.safetensors</c>.</summary>
internal sealed class WeightsForwardCommand : ICliCommand
{
    private static readonly Option<string> Arch = new("--arch")
    {
        Description = $"Backbone: {string.Join(", ", BackboneForward.Architectures)}.",
        Required = true,
    };
    private static readonly Option<string> Weights = new("--weights")
    {
        Description = "Checkpoint (.pt/.pth/.bin/.ckpt or .safetensors); torchvision ViT and Hugging Face bert.* keys are mapped automatically.",
        Required = true,
    };
    private static readonly Option<string?> Config = new("--config")
    {
        Description = "BERT's Hugging Face config.json (default: Bio_ClinicalBERT's sizes).",
    };
    private static readonly Option<string> Input = new("--input")
    {
        Description = "safetensors file with 'input': images N x C x H x W float32, or token ids N x L int64 with optional 'attention_mask' and 'token_type_ids'.",
        Required = true,
    };
    private static readonly Option<string> Output = new("--output")
    {
        Description = "safetensors file to write 'output' to: ResNet pooled features before fc, ViT normalised tokens, BERT last_hidden_state.",
        Required = true,
    };
    private static readonly Option<string[]> Map = WeightsOptions.Map("Key map replacing the automatic one (the heads fc. and head. are still dropped).");
    private static readonly Option<string?> Entry = WeightsOptions.Entry();
    private static readonly Option<bool> Skip = WeightsOptions.SkipUnknownObjects();

    public string Parent => "weights";

    public Command Create()
    {
        var command = new Command("forward", "Run a bare backbone with a checkpoint on a stored tensor and store its final features.");
        foreach (var option in new Option[] { Arch, Weights, Config, Input, Output, Map, Entry, Skip })
            command.Options.Add(option);
        return command.WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var request = new BackboneForwardRequest(context.Get(Arch)!, context.Get(Weights)!, context.Get(Input)!, context.Get(Output)!,
            context.Get(Config), WeightsOptions.ReadMap(context, Map), WeightsOptions.Read(context, Entry, Skip));
        var result = BackboneForward.Run(request, context.Runtime.Device);
        context.Output.WriteLine(
            $"{result.Arch}: loaded {result.Load.Loaded.Count} tensors ({result.Load.Dropped.Count} dropped by the key map); " +
            $"input [{string.Join(", ", result.InputShape)}] -> {result.OutputName} [{string.Join(", ", result.OutputShape)}] in {request.OutputPath}");
        return 0;
    }
}
