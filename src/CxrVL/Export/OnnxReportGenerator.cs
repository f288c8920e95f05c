using System.Text.Json;
using CxrVL.Configuration;
using CxrVL.Generation.Decoding;
using CxrVL.Tasks.ReportGeneration;
using CxrVL.Text;
using CxrVL.Training.Checkpoints;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace CxrVL.Export;

/// <summary>
/// A report generator whose encoder and decoder step are the graphs <c>cxrvl export onnx --part rrg</c> wrote, run by
/// ONNX Runtime on the CPU; the recipe and the word vocabulary come from the run folder. Decoding is CxrVL's own
/// (<see cref="SequenceDecoder"/>), so greedy, beam and sampling work as with the TorchSharp model.
/// </summary>
public sealed class OnnxReportGenerator : IReportGenerator
{
    private readonly InferenceSession _encoder;
    private readonly InferenceSession _decoder;
    private readonly bool _prototypes;

    private OnnxReportGenerator(RrgConfig config, WordVocabulary vocabulary, string weights, int views, InferenceSession encoder, InferenceSession decoder,
                                bool prototypes)
    {
        Config = config;
        Vocabulary = vocabulary;
        Weights = weights;
        Views = views;
        _encoder = encoder;
        _decoder = decoder;
        _prototypes = prototypes;
    }

    public RrgConfig Config { get; }

    public WordVocabulary Vocabulary { get; }

    public string Weights { get; }

    public int Views { get; }

    /// <summary>
    /// Loads the graphs of a <c>cxrvl rrg train</c> run (<paramref name="checkpoint"/>: its folder, a checkpoint folder or
    /// weights file): <c>rrg-encoder.onnx</c>, <c>rrg-decoder.onnx</c> and <c>rrg.json</c> in
    /// <paramref name="onnxDirectory"/> (default: the run folder's <c>onnx/</c>).
    /// </summary>
    public static OnnxReportGenerator Load(string checkpoint, string? onnxDirectory = null)
    {
        var weights = CheckpointStore.ResolveWeights(checkpoint);
        var run = ReportGenerator.FindRunFolder(weights);
        var (encoderPath, decoderPath, sidecarPath) = OnnxExportNames.ReportFiles(Path.Combine(onnxDirectory ?? Path.Combine(run, "onnx"), "rrg.onnx"));
        foreach (var path in new[] { encoderPath, decoderPath, sidecarPath })
        {
            if (!File.Exists(path))
                throw new CxrVLException($"ONNX report generation needs '{path}': write it with cxrvl export onnx --checkpoint {run} --part rrg --out {Path.Combine(Path.GetDirectoryName(path)!, "rrg.onnx")}");
        }
        var config = RrgRecipes.LoadRun(Path.Combine(run, "config.yaml"));
        var vocabulary = WordVocabulary.Load(Path.Combine(run, ReportTraining.VocabularyFile));
        using (var sidecar = JsonDocument.Parse(File.ReadAllText(sidecarPath)))
        {
            var root = sidecar.RootElement;
            var method = root.GetProperty("method").GetString();
            var size = root.GetProperty("vocabulary").GetProperty("size").GetInt32();
            if (!string.Equals(method, config.Method, StringComparison.OrdinalIgnoreCase) || size != vocabulary.VocabularySize)
                throw new CxrVLException($"'{sidecarPath}' describes a {method} model with {size} words; the run '{run}' is a {config.Method} model with {vocabulary.VocabularySize}: export the run again.");
        }
        var views = config.Data.Views == Data.Loading.StudyViews.Pair ? 2 : 1;
        var encoder = OnnxSessions.Open(encoderPath);
        try
        {
            return new OnnxReportGenerator(config, vocabulary, weights, views, encoder, OnnxSessions.Open(decoderPath), ReportLayout.Of(config).Prototypes);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    public IDecodingContext Encode(Tensor images, Tensor? present)
    {
        using var scope = NewDisposeScope();
        var batch = images.shape[0];
        var views = images.dim() == 4 ? images.unsqueeze(1) : images;
        var shown = present?.to_type(ScalarType.Bool) ?? ones(batch, views.shape[1], ScalarType.Bool);
        var pixels = views.to(float32).cpu().contiguous().data<float>().ToArray();
        using var imageInput = OrtValue.CreateTensorValueFromMemory(pixels, views.shape);
        using var presentInput = OrtValue.CreateTensorValueFromMemory(shown.cpu().contiguous().data<bool>().ToArray(), shown.shape);
        string[] outputs = _prototypes
            ? [OnnxExportNames.Memory, OnnxExportNames.MemoryMask, OnnxExportNames.PrototypeLabels]
            : [OnnxExportNames.Memory, OnnxExportNames.MemoryMask];
        // The run options live until the run ends: a temporary one could be finalized while ONNX Runtime still reads it.
        using var runOptions = new RunOptions();
        using var results = _encoder.Run(runOptions, [OnnxExportNames.Images, OnnxExportNames.ImagePresent], [imageInput, presentInput], outputs);
        return new OnnxDecodingContext(_decoder, results.Select(OnnxRows.From).ToList());
    }

    public void Dispose()
    {
        _encoder.Dispose();
        _decoder.Dispose();
    }
}
