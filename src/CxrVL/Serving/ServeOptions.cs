using CxrVL.Precision;

namespace CxrVL.Serving;

/// <summary>What <c>cxrvl serve</c> loads and how it listens.</summary>
public sealed record ServeOptions
{
    /// <summary>A pretraining run folder, checkpoint folder or weights file (<c>--checkpoint</c>).</summary>
    public required string Checkpoint { get; init; }

    /// <summary>A <c>cxrvl rrg train</c> run whose model writes the report (<c>--rrg</c>); none: no report.</summary>
    public string? ReportCheckpoint { get; init; }

    public ServingEngine Engine { get; init; } = ServingEngine.Torch;

    /// <summary>Where <c>--engine onnx</c> finds <c>image.onnx</c> and <c>text.onnx</c> (default: the run folder's <c>onnx/</c>).</summary>
    public string? OnnxDirectory { get; init; }

    /// <summary>
    /// Where <c>--engine onnx</c> finds the report generator's <c>rrg-encoder.onnx</c>, <c>rrg-decoder.onnx</c> and
    /// <c>rrg.json</c> (default: the rrg run folder's <c>onnx/</c>).
    /// </summary>
    public string? ReportOnnxDirectory { get; init; }

    /// <summary>The zero-shot recipe of the labels scored (a YAML file; the CLI resolves recipe names).</summary>
    public required string ClassesRecipe { get; init; }

    /// <summary>A manifest whose reports are retrieved by similarity (<c>--reports</c>); none: no nearest reports.</summary>
    public string? ReportsManifest { get; init; }

    public string ReportsSplit { get; init; } = "train";

    public ServingLimits Limits { get; init; } = new();

    public string Host { get; init; } = "127.0.0.1";

    /// <summary>0 picks a free port (tests).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>A file holding the API key callers send as <c>X-Api-Key</c>; required when the host is not loopback.</summary>
    public string? ApiKeyFile { get; init; }

    /// <summary>The torch engine's arithmetic: fp32, or bf16-mixed (products in bfloat16; embeddings, scores and reports as before).</summary>
    public TrainingPrecision Precision { get; init; } = TrainingPrecision.Fp32;
}
