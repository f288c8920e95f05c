using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Export;
using CxrVL.Serving;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tasks.ReportGeneration;

namespace CxrVL.Cli.Commands;

/// <summary>
/// <c>cxrvl export onnx --checkpoint RUN --part image|text|rrg --out model.onnx</c>: an encoder of a pretraining run, or
/// the report generator of an rrg run (encoder and decoder step), as ONNX graphs with a sidecar JSON.
/// </summary>
internal sealed class ExportOnnxCommand : ICliCommand
{
    private static readonly Option<string> Checkpoint = new("--checkpoint") { Description = "A pretraining run folder, checkpoint folder or weights file (--part rrg: a 'cxrvl rrg train' run).", Required = true };
    private static readonly Option<OnnxPart> Part = new("--part") { Description = "image (encoder, projection, normalisation), text (the same for reports) or rrg (report generator: NAME-encoder.onnx and NAME-decoder.onnx).", Required = true };
    private static readonly Option<string> Out = new("--out") { Description = "The .onnx file to write; the sidecar JSON goes beside it.", Required = true };

    public string Parent => "export";

    public Command Create()
    {
        var command = new Command("onnx", $"Write the image or text encoder, or the report generator, as ONNX graphs (opset {OnnxExportNames.Opset}) with a sidecar JSON describing preprocessing, tokenizer or vocabulary.");
        command.Options.Add(Checkpoint);
        command.Options.Add(Part);
        command.Options.Add(Out);
        return command.WithAction(context =>
        {
            if (context.Get(Part) == OnnxPart.Rrg)
                return ExportReportGenerator(context);
            using var model = PretrainedModel.Load(context.Get(Checkpoint)!, context.Runtime.Device);
            var result = OnnxExporter.Export(model, context.Get(Part), context.Get(Out)!);
            context.Output.WriteLine($"wrote {result.ModelPath} ({result.Nodes} nodes, {result.Initializers} initializers, {result.Parameters:N0} values, opset {OnnxExportNames.Opset})");
            context.Output.WriteLine($"  sidecar {result.SidecarPath}");
            context.Output.WriteLine($"  model card {ModelCard.Write(model, result.ModelPath, context.Get(Part).ToString().ToLowerInvariant())}");
            return 0;
        });
    }

    private static int ExportReportGenerator(CommandContext context)
    {
        using var generator = ReportGenerator.Load(context.Get(Checkpoint)!, context.Runtime.Device);
        var results = ReportOnnxExporter.Export(generator, context.Get(Out)!);
        foreach (var result in results)
            context.Output.WriteLine($"wrote {result.ModelPath} ({result.Nodes} nodes, {result.Initializers} initializers, {result.Parameters:N0} values, opset {OnnxExportNames.Opset})");
        context.Output.WriteLine($"  sidecar {results[0].SidecarPath}");
        context.Output.WriteLine($"  model card {ModelCard.Write(generator, context.Get(Out)!)}");
        return 0;
    }
}
