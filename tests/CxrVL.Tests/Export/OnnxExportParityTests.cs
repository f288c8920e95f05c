using CxrVL.Export;
using CxrVL.Imaging;
using CxrVL.Methods.Encoders;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tests.Cli;
using CxrVL.Tests.Data.Builders;
using CxrVL.Tests.Imaging;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CxrVL.Tests.Export;

/// <summary>
/// The graphs <c>cxrvl export onnx</c> writes, run by ONNX Runtime (the reference), give the TorchSharp modules'
/// embeddings to 1e-4 on 8 real COVID-19 radiographs and 16 real IU report sentences, for each projection head, pooling
/// and ResNet block kind.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class OnnxExportParityTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cxrvl-onnx-export-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("clip", "resnet18", ProjectionKind.BatchNorm, TextPooling.Mean)]
    [InlineData("clip", "resnet50", ProjectionKind.Linear, TextPooling.Cls)]
    [InlineData("mgca", "resnet18", ProjectionKind.BatchNorm, TextPooling.Cls)]
    public void ExportedEncodersMatchTheModulesUnderOnnxRuntime(string method, string backbone, ProjectionKind projection, TextPooling pooling)
    {
        var run = TinyPretrainRun.Write(Path.Combine(_root, $"{method}-{backbone}"), method, backbone, projection, pooling);
        var imageOnnx = Path.Combine(_root, $"{method}-{backbone}-image.onnx");
        var textOnnx = Path.Combine(_root, $"{method}-{backbone}-text.onnx");
        var image = CliRunner.Run("export", "onnx", "--checkpoint", run, "--part", "image", "--out", imageOnnx);
        Assert.True(image.Code == 0, image.Error);
        var text = CliRunner.Run("export", "onnx", "--checkpoint", run, "--part", "text", "--out", textOnnx);
        Assert.True(text.Code == 0, text.Error);
        Assert.Contains("opset 17", image.Output);
        Assert.True(File.Exists(Path.ChangeExtension(textOnnx, ".json")));

        using var model = PretrainedModel.Load(run, CPU);
        using var noGrad = no_grad();

        var recipe = ImageRecipes.BuiltIn.Get(model.Config.Data.ImageRecipe);
        var pipeline = recipe.Pipeline(train: false);
        var paths = TestImages.Covid19(8);
        var pixels = new float[paths.Count * pipeline.PixelCount];
        for (var i = 0; i < paths.Count; i++)
            pipeline.Load(paths[i], new TransformRandom(0), pixels.AsSpan(i * pipeline.PixelCount, pipeline.PixelCount));
        long[] imageShape = [paths.Count, recipe.Channels, recipe.Size, recipe.Size];
        using var images = tensor(pixels, imageShape);
        var expectedImages = model.Method.EmbedImages(images).data<float>().ToArray();
        using var imageSession = new InferenceSession(imageOnnx);
        using var imageInput = OrtValue.CreateTensorValueFromMemory(pixels, imageShape);
        using var runOptions = new RunOptions();
        using var imageResult = imageSession.Run(runOptions, [OnnxExportNames.Image], [imageInput], [OnnxExportNames.Embedding]);
        var imageDiff = MaxDifference(expectedImages, imageResult[0].GetTensorDataAsSpan<float>().ToArray());

        var sentences = IuReportTexts.FindingsSentences(16);
        // The exported text encoder takes token ids: the sentences as the model reads them (cleaned for mgca).
        var tokens = model.Tokenizer.EncodeBatch(sentences.Select(model.Reading.Text).ToList(), model.Config.Model.Text.MaxLength);
        var expectedTexts = model.EmbedTexts(sentences, CPU).data<float>().ToArray();
        long[] textShape = [tokens.BatchSize, tokens.Length];
        using var textSession = new InferenceSession(textOnnx);
        using var ids = OrtValue.CreateTensorValueFromMemory(tokens.InputIds, textShape);
        using var mask = OrtValue.CreateTensorValueFromMemory(tokens.AttentionMask, textShape);
        using var textResult = textSession.Run(runOptions, [OnnxExportNames.InputIds, OnnxExportNames.AttentionMask], [ids, mask], [OnnxExportNames.Embedding]);
        var textDiff = MaxDifference(expectedTexts, textResult[0].GetTensorDataAsSpan<float>().ToArray());

        output.WriteLine($"{method} {backbone} {projection} {pooling}: image max |diff| {imageDiff:E2} over {expectedImages.Length} values; " +
                         $"text max |diff| {textDiff:E2} over {expectedTexts.Length} values ({tokens.Length} tokens, padded)");
        Assert.True(imageDiff <= 1e-4, $"image embeddings differ by {imageDiff}");
        Assert.True(textDiff <= 1e-4, $"text embeddings differ by {textDiff}");
        // Padding must not leak into the embedding: the texts were padded to the batch's longest.
        Assert.Contains(tokens.AttentionMask, m => m == 0);
    }

    [Fact]
    public void AMethodWithoutAnExportableLayoutIsOneClearError()
    {
        var run = TinyPretrainRun.Write(Path.Combine(_root, "gloria"), "gloria");
        var result = CliRunner.Run("export", "onnx", "--checkpoint", run, "--part", "image", "--out", Path.Combine(_root, "g.onnx"));
        Assert.Equal(2, result.Code);
        Assert.Contains("'gloria' is not exported yet", result.Error);
    }

    private static double MaxDifference(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        Assert.All(expected, value => Assert.True(float.IsFinite(value)));
        return expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max();
    }
}
