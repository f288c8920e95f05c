using CxrVL.Export;
using CxrVL.Imaging;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tasks.ZeroShot;
using CxrVL.Text;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace CxrVL.Serving;

/// <summary>
/// The image and text encoders as <c>cxrvl export onnx</c> wrote them (<c>image.onnx</c>, <c>text.onnx</c>), run by
/// ONNX Runtime on the CPU; the tokenizer and the image recipe come from the run folder, as the sidecar JSON describes.
/// </summary>
internal sealed class OnnxEncoderEngine : IEncoderEngine
{
    private const int TextBatch = 64;
    private readonly InferenceSession _image;
    private readonly InferenceSession _text;
    private readonly ITextTokenizer _tokenizer;
    private readonly PretrainConfig _config;
    private readonly PairReading _reading;

    private OnnxEncoderEngine(InferenceSession image, InferenceSession text, ITextTokenizer tokenizer, PretrainConfig config)
    {
        _image = image;
        _text = text;
        _tokenizer = tokenizer;
        _config = config;
        // Texts are read as the torch engine reads them: cleaned (data.cleaner), then prefixed.
        _reading = PairReading.Of(config.Data, PretrainingMethods.BuiltIn);
        Recipe = ImageRecipes.BuiltIn.Get(config.Data.ImageRecipe);
    }

    public ServingEngine Kind => ServingEngine.Onnx;

    public ImageRecipe Recipe { get; }

    public static OnnxEncoderEngine Load(string directory, PretrainConfig config, string runDirectory)
    {
        var imagePath = Path.Combine(directory, "image.onnx");
        var textPath = Path.Combine(directory, "text.onnx");
        foreach (var (path, part) in new[] { (imagePath, "image"), (textPath, "text") })
        {
            if (!File.Exists(path))
                throw new CxrVLException($"--engine onnx needs '{path}': write it with cxrvl export onnx --checkpoint RUN --part {part} --out {path}");
        }
        var image = OnnxSessions.Open(imagePath);
        try
        {
            return new OnnxEncoderEngine(image, OnnxSessions.Open(textPath), PretrainedModel.LoadTokenizer(config, runDirectory), config);
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    public (Tensor Global, Tensor? Regions) EmbedImages(Tensor images)
    {
        var shape = images.shape;
        var pixels = images.to(float32).contiguous().data<float>().ToArray();
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, shape);
        // The run options live until the run ends: a temporary one could be finalized while ONNX Runtime still reads it.
        using var runOptions = new RunOptions();
        using var outputs = _image.Run(runOptions, [OnnxExportNames.Image], [input], [OnnxExportNames.Embedding]);
        return (ToTorch(outputs[0]), null);
    }

    public Tensor EmbedTexts(IReadOnlyList<string> texts)
    {
        var parts = new List<Tensor>();
        for (var start = 0; start < texts.Count; start += TextBatch)
        {
            var batch = texts.Skip(start).Take(TextBatch).Select(_reading.Text).ToList();
            var tokens = _tokenizer.EncodeBatch(batch, _config.Model.Text.MaxLength);
            long[] shape = [tokens.BatchSize, tokens.Length];
            using var ids = OrtValue.CreateTensorValueFromMemory(tokens.InputIds, shape);
            using var mask = OrtValue.CreateTensorValueFromMemory(tokens.AttentionMask, shape);
            using var runOptions = new RunOptions();
            using var outputs = _text.Run(runOptions, [OnnxExportNames.InputIds, OnnxExportNames.AttentionMask], [ids, mask], [OnnxExportNames.Embedding]);
            parts.Add(ToTorch(outputs[0]));
        }
        var all = cat(parts, 0);
        parts.ForEach(p => p.Dispose());
        return all;
    }

    public ZeroShotClassifier Classifier(ZeroShotConfig config) => ZeroShotClassifier.FromTextEmbeddings(config, EmbedTexts);

    public byte[]? SaliencyPng(float[] pixels, Tensor classEmbedding) => null;

    public void Dispose()
    {
        _image.Dispose();
        _text.Dispose();
    }

    private static Tensor ToTorch(OrtValue value)
    {
        var shape = value.GetTensorTypeAndShape().Shape;
        return tensor(value.GetTensorDataAsSpan<float>().ToArray(), shape);
    }
}
