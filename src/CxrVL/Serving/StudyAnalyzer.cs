using System.Diagnostics;
using System.Reflection;
using CxrVL.Configuration;
using CxrVL.Export;
using CxrVL.Files;
using CxrVL.Imaging;
using CxrVL.Precision;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tasks.ReportGeneration;
using CxrVL.Tasks.ZeroShot;
using static TorchSharp.torch;

namespace CxrVL.Serving;

/// <summary>
/// Everything the service answers a study with, loaded once: the encoders (TorchSharp or ONNX Runtime), the zero-shot
/// labels with their prompts encoded, the report index and the report generator (TorchSharp or ONNX Runtime, as the encoders). <see cref="Analyze"/> is the whole
/// of <c>POST /v1/studies</c> without HTTP, and is safe to call from several threads.
/// </summary>
public sealed class StudyAnalyzer : IDisposable
{
    private readonly IEncoderEngine _engine;
    private readonly ZeroShotClassifier _classifier;
    private readonly ReportIndex? _index;
    private readonly IReportGenerator? _generator;
    private readonly ServingLimits _limits;
    private readonly string _method;

    private StudyAnalyzer(IEncoderEngine engine, ZeroShotClassifier classifier, ReportIndex? index, IReportGenerator? generator,
                          ServingLimits limits, string method, Provenance provenance)
    {
        _engine = engine;
        _classifier = classifier;
        _index = index;
        _generator = generator;
        _limits = limits;
        _method = method;
        Provenance = provenance;
    }

    public Provenance Provenance { get; }

    /// <summary>The batcher of concurrent studies' images, when batching is on.</summary>
    internal BatchingEncoderEngine? Batching => _engine as BatchingEncoderEngine;

    public static StudyAnalyzer Load(ServeOptions options, Device device)
    {
        var (config, weights, runDirectory) = PretrainedModel.LoadRecipe(options.Checkpoint);
        var classes = ConfigLoader.Load<ZeroShotConfig>(options.ClassesRecipe);
        if (options.Engine == ServingEngine.Onnx && options.Precision != TrainingPrecision.Fp32)
            throw new CxrVLException("--precision bf16 runs the torch engine's modules in bfloat16; the onnx engine runs the exported float32 graphs: use --engine torch.");
        IEncoderEngine engine = options.Engine == ServingEngine.Onnx
            ? OnnxEncoderEngine.Load(options.OnnxDirectory ?? Path.Combine(runDirectory, "onnx"), config, runDirectory)
            : new TorchEncoderEngine(PretrainedModel.Load(options.Checkpoint, device, precision: options.Precision), device);
        if (options.Limits.MaxBatch > 1 && options.Limits.MaxConcurrent > 1)
            engine = new BatchingEncoderEngine(engine, options.Limits.MaxBatch, options.Limits.BatchWaitMilliseconds);
        ZeroShotClassifier? classifier = null;
        ReportIndex? index = null;
        IReportGenerator? generator = null;
        try
        {
            classifier = engine.Classifier(classes);
            if (options.ReportsManifest is { } manifest)
                index = ReportIndex.Build(manifest, options.ReportsSplit, config.Data.ReportSections, engine.EmbedTexts);
            if (options.ReportCheckpoint is { } rrg)
                generator = options.Engine == ServingEngine.Onnx ? OnnxReportGenerator.Load(rrg, options.ReportOnnxDirectory) : ReportGenerator.Load(rrg, device, options.Precision);
            var provenance = new Provenance(config.Method, FileHash.Sha256(weights), config.Data.ImageRecipe, classes.Name,
                engine.Kind.ToString().ToLowerInvariant(), generator is null ? null : FileHash.Sha256(generator.Weights), index?.Source,
                typeof(StudyAnalyzer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");
            return new StudyAnalyzer(engine, classifier, index, generator, options.Limits, config.Method, provenance);
        }
        catch
        {
            generator?.Dispose();
            index?.Dispose();
            classifier?.Dispose();
            engine.Dispose();
            throw;
        }
    }

    public ServedModel Describe()
    {
        var embeddingDim = _classifier.ClassEmbeddings is { } classes ? (int)classes.shape[1] : 0;
        return new ServedModel(_method, Provenance.Engine, _engine.Recipe.Name, _engine.Recipe.Size, embeddingDim,
            _classifier.Classes.Select(c => new ServedLabel(c, _classifier.Prompts[c].Count)).ToList(),
            Saliency: _engine.Kind == ServingEngine.Torch && _classifier.ClassEmbeddings is not null,
            _generator?.Config.Method, _generator?.Views ?? 0, _index?.Count ?? 0, _limits, Provenance);
    }

    /// <summary>Scores a study (its first image is the frontal view), with what <paramref name="request"/> asks for besides.</summary>
    /// <exception cref="ServingRefusal">An upload the service cannot use: the status and a message naming the image.</exception>
    public StudyAnalysis Analyze(IReadOnlyList<StudyImage> images, StudyRequest request)
    {
        var total = Stopwatch.StartNew();
        if (images.Count == 0)
            throw new ServingRefusal(400, "no image: send the study's images as multipart form files in the field 'images' (frontal first), or one image as the request body.");
        if (images.Count > _limits.MaxImages)
            throw new ServingRefusal(413, $"{images.Count} images; a study takes at most {_limits.MaxImages}.");
        if (request.Nearest < 0 || request.Nearest > _limits.MaxNearest)
            throw new ServingRefusal(400, $"nearest={request.Nearest}: ask for 0 to {_limits.MaxNearest} reports.");
        if (request.Nearest > 0 && _index is null)
            throw new ServingRefusal(400, "nearest reports were asked for, but no report index is loaded (start the service with --reports MANIFEST).");
        if (request.Saliency && (_engine.Kind != ServingEngine.Torch || _classifier.ClassEmbeddings is null))
            throw new ServingRefusal(400, "saliency maps need the torch engine and a model scored by prompt embeddings; this service cannot draw them.");
        var headers = images.Select(CheckHeader).ToList();

        var frontal = Decode(images[0], _engine.Recipe.Pipeline(train: false));
        var decodeMs = total.Elapsed.TotalMilliseconds;

        using var scope = NewDisposeScope();
        var recipe = _engine.Recipe;
        var (global, regions) = _engine.EmbedImages(tensor(frontal, [1, recipe.Channels, recipe.Size, recipe.Size]));
        var embedMs = total.Elapsed.TotalMilliseconds - decodeMs;
        var matrix = _classifier.Score(global, regions);
        var scores = _classifier.Classes.Select((label, c) => new LabelScore(label, matrix[0, c])).ToList();
        var scoreMs = total.Elapsed.TotalMilliseconds - decodeMs - embedMs;

        var mark = total.Elapsed.TotalMilliseconds;
        List<LabelSaliency>? saliency = null;
        double? saliencyMs = null;
        if (request.Saliency)
        {
            var classEmbeddings = _classifier.ClassEmbeddings!;
            saliency = _classifier.Classes.Select((label, c) =>
                new LabelSaliency(label, Convert.ToBase64String(_engine.SaliencyPng(frontal, classEmbeddings[c..(c + 1)])!))).ToList();
            saliencyMs = total.Elapsed.TotalMilliseconds - mark;
        }

        mark = total.Elapsed.TotalMilliseconds;
        IReadOnlyList<NearestReport>? nearest = null;
        double? nearestMs = null;
        if (request.Nearest > 0)
        {
            nearest = _index!.Nearest(global[0], request.Nearest);
            nearestMs = total.Elapsed.TotalMilliseconds - mark;
        }

        mark = total.Elapsed.TotalMilliseconds;
        string? report = null;
        double? reportMs = null;
        if (request.Report && _generator is not null)
        {
            var pipeline = _generator.Pipeline();
            var views = images.Take(_generator.Views).Select(image => Decode(image, pipeline)).ToList();
            report = _generator.GenerateFromPixels(views);
            reportMs = total.Elapsed.TotalMilliseconds - mark;
        }

        var embedding = request.Embedding ? global[0].data<float>().ToArray() : null;
        var timings = new StudyTimings(decodeMs, embedMs, scoreMs, saliencyMs, nearestMs, reportMs, total.Elapsed.TotalMilliseconds);
        return new StudyAnalysis(headers, scores, embedding, nearest, report, saliency, Provenance, timings);
    }

    /// <summary>The checks an image passes before any pixel is decoded: a known format, one frame, a size within the limits.</summary>
    private ImageSummary CheckHeader(StudyImage image)
    {
        ImageHeader header;
        try
        {
            header = ImageHeader.Read(image.Data, image.Source);
        }
        catch (ImageDecodeException e)
        {
            throw new ServingRefusal(422, e.Message);
        }
        if (header.Frames > 1)
            throw new ServingRefusal(422, $"image '{image.Source}': multi-frame DICOM ({header.Frames} frames) is not a radiograph this service reads; send each frame as its own single-frame image.");
        if (header.Width <= 0 || header.Height <= 0)
            throw new ServingRefusal(422, $"image '{image.Source}': the header gives no image size ({header.Width}x{header.Height}).");
        if (header.Width > _limits.MaxSide || header.Height > _limits.MaxSide || (long)header.Width * header.Height > _limits.MaxPixels)
            throw new ServingRefusal(413, $"image '{image.Source}': its header claims {header.Width}x{header.Height} pixels; the service takes at most " +
                                          $"{_limits.MaxSide} per side and {_limits.MaxPixels:N0} in all. Downsize the image first.");
        return new ImageSummary(header.Format, header.Width, header.Height);
    }

    private static float[] Decode(StudyImage image, ImagePipeline pipeline)
    {
        var pixels = new float[pipeline.PixelCount];
        try
        {
            pipeline.Load(image.Data, image.Source, new TransformRandom(0), pixels);
        }
        catch (ImageDecodeException e)
        {
            throw new ServingRefusal(422, e.Message);
        }
        return pixels;
    }

    public void Dispose()
    {
        _generator?.Dispose();
        _index?.Dispose();
        _classifier.Dispose();
        _engine.Dispose();
    }
}
