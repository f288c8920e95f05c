using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Configuration;
using CxrVL.Serving;
using Microsoft.Extensions.Hosting;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl serve --checkpoint RUN [--rrg RUN] [--port N] [--host 127.0.0.1]</c>: the HTTP service and web page over a trained model.</summary>
internal sealed class ServeCommand : ICliCommand
{
    private static readonly Option<string> Checkpoint = new("--checkpoint") { Description = "A pretraining run folder, checkpoint folder or weights file.", Required = true };
    private static readonly Option<string?> Rrg = new("--rrg") { Description = "A 'cxrvl rrg train' run: its model writes a report for each study." };
    private static readonly Option<int> Port = new("--port") { Description = "TCP port (0: any free port).", DefaultValueFactory = _ => 8080 };
    private static readonly Option<string> Host = new("--host") { Description = "Address to listen on; off loopback an --api-key-file is required.", DefaultValueFactory = _ => "127.0.0.1" };
    private static readonly Option<ServingEngine> Engine = new("--engine") { Description = "torch (the checkpoint's modules) or onnx (the graphs of cxrvl export onnx, under ONNX Runtime).", DefaultValueFactory = _ => ServingEngine.Torch };
    private static readonly Option<string?> OnnxDir = new("--onnx-dir") { Description = "Folder with image.onnx and text.onnx for --engine onnx (default: RUN/onnx)." };
    private static readonly Option<string?> RrgOnnxDir = new("--rrg-onnx-dir") { Description = "Folder with rrg-encoder.onnx, rrg-decoder.onnx and rrg.json for --engine onnx with --rrg (default: the rrg run's onnx/)." };
    private static readonly Option<string> Classes = new("--classes") { Description = "Zero-shot recipe of the labels scored (a YAML file or a name under configs/).", DefaultValueFactory = _ => "zeroshot/chexpert14" };
    private static readonly Option<string?> Reports = new("--reports") { Description = "A manifest whose reports are embedded at start-up and returned as the nearest reports." };
    private static readonly Option<string> ReportsSplit = new("--reports-split") { Description = "The manifest split to index, or 'all'.", DefaultValueFactory = _ => "train" };
    private static readonly Option<string?> ApiKeyFile = new("--api-key-file") { Description = "A file holding the key callers send as X-Api-Key (required off loopback)." };
    private static readonly Option<int?> MaxConcurrent = new("--max-concurrent") { Description = "Studies analysed at once (default 2)." };
    private static readonly Option<int?> Queue = new("--queue") { Description = "Studies that may wait for a slot before 503 (default 16)." };
    private static readonly Option<int?> MaxBatch = new("--max-batch") { Description = "Images of concurrent studies encoded in one forward pass (default 8; 1: no batching)." };
    private static readonly Option<double?> BatchWaitMs = new("--batch-wait-ms") { Description = "How long a batch's first image waits for others, in ms (default 2)." };
    private static readonly Option<int?> MaxRequestMb = new("--max-request-mb") { Description = "Largest request body in MiB (default 64)." };

    public Command Create()
    {
        var command = new Command("serve", "Serve a trained model over HTTP: POST /v1/studies (DICOM, PNG, JPEG) returns zero-shot scores, nearest reports, a generated report and saliency maps; a web page at /.");
        foreach (var option in new Option[] { Checkpoint, Rrg, Port, Host, Engine, OnnxDir, RrgOnnxDir, Classes, Reports, ReportsSplit, ApiKeyFile, MaxConcurrent, Queue, MaxBatch, BatchWaitMs, MaxRequestMb, InferencePrecisionOption.Option })
            command.Options.Add(option);
        return command.WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var defaults = new ServingLimits();
        var options = new ServeOptions
        {
            Checkpoint = context.Get(Checkpoint)!,
            ReportCheckpoint = context.Get(Rrg),
            Engine = context.Get(Engine),
            OnnxDirectory = context.Get(OnnxDir),
            ReportOnnxDirectory = context.Get(RrgOnnxDir),
            ClassesRecipe = RecipeLocator.Resolve(context.Get(Classes)!),
            ReportsManifest = context.Get(Reports),
            ReportsSplit = context.Get(ReportsSplit)!,
            Host = context.Get(Host)!,
            Port = context.Get(Port),
            ApiKeyFile = context.Get(ApiKeyFile),
            Precision = InferencePrecisionOption.Get(context),
            Limits = defaults with
            {
                MaxConcurrent = context.Get(MaxConcurrent) ?? defaults.MaxConcurrent,
                QueueLength = context.Get(Queue) ?? defaults.QueueLength,
                MaxBatch = context.Get(MaxBatch) ?? defaults.MaxBatch,
                BatchWaitMilliseconds = context.Get(BatchWaitMs) ?? defaults.BatchWaitMilliseconds,
                MaxRequestBytes = context.Get(MaxRequestMb) is { } mb ? (long)mb << 20 : defaults.MaxRequestBytes,
            },
        };
        // The key is checked before the models load, so a wrong --host fails at once.
        ApiKey.Load(options);
        using var analyzer = StudyAnalyzer.Load(options, context.Runtime.Device);
        var card = ModelCard.Write(analyzer, options);
        using var app = StudyService.Create(analyzer, options);
        app.Start();
        context.Output.WriteLine($"serving {analyzer.Provenance.Method} ({analyzer.Provenance.Engine}) on {string.Join(", ", app.Urls)}; model card {card}; Ctrl+C stops");
        context.Output.Flush();
        app.WaitForShutdown();
        return 0;
    }
}
