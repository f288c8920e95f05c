using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Export;
using CxrVL.Serving;
using CxrVL.Tasks.Pretraining;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl export onnx --checkpoint RUN --part image|text --out model.onnx</c>: an encoder as an ONNX graph with a sidecar JSON.</summary>
internal sealed class ExportOnnxCommand : ICliCommand
{
    private static readonly Option<string> Checkpoint = new("--checkpoint") { Description = "A pretraining run folder, checkpoint folder or weights file.", Required = true };
    private static readonly Option<OnnxPart> Part = new("--part") { Description = "image (encoder, projection, normalisation) or text (the same for reports).", Required = true };
    private static readonly Option<string> Out = new("--out") { Description = "The .onnx file to write; the sidecar JSON goes beside it.", Required = true };

    public string Parent => "export";

    public Command Create()
    {
        var command = new Command("onnx", $"Write the image or text encoder as an ONNX graph (opset {OnnxExportNames.Opset}) with a sidecar JSON describing its preprocessing or tokenizer.");
        command.Options.Add(Checkpoint);
        command.Options.Add(Part);
        command.Options.Add(Out);
        return command.WithAction(context =>
        {
            using var model = PretrainedModel.Load(context.Get(Checkpoint)!, context.Runtime.Device);
            var result = OnnxExporter.Export(model, context.Get(Part), context.Get(Out)!);
            context.Output.WriteLine($"wrote {result.ModelPath} ({result.Nodes} nodes, {result.Initializers} initializers, {result.Parameters:N0} values, opset {OnnxExportNames.Opset})");
            context.Output.WriteLine($"  sidecar {result.SidecarPath}");
            context.Output.WriteLine($"  model card {ModelCard.Write(model, result.ModelPath, context.Get(Part).ToString().ToLowerInvariant())}");
            return 0;
        });
    }
}
