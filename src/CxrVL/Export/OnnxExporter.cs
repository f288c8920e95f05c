using System.Text.Json;
using CxrVL.Files;
using CxrVL.Imaging;
using CxrVL.Methods.Encoders;
using CxrVL.Runs;
using CxrVL.Tasks.Pretraining;
using Google.Protobuf;
using static TorchSharp.torch;

namespace CxrVL.Export;

/// <summary>
/// Writes a pretrained model's image or text encoder as an ONNX graph (opset <see cref="OnnxExportNames.Opset"/>) for
/// ONNX Runtime and other ONNX readers: the graph is built here node by node from the model's layout and its state
/// dict (TorchSharp has no exporter), in evaluation mode (BatchNorm running statistics, no dropout). Beside
/// <c>model.onnx</c> goes <c>model.json</c>: the inputs and outputs, the image preprocessing or the tokenizer, and the
/// checkpoint the weights came from.
/// </summary>
public static class OnnxExporter
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static OnnxExportResult Export(PretrainedModel model, OnnxPart part, string outPath)
    {
        var layout = EncoderLayout.Of(model.Config);
        var state = model.Method.Model.state_dict();
        var graph = new OnnxGraphBuilder($"cxrvl-{model.Config.Method}-{part.ToString().ToLowerInvariant()}");
        var writer = new OnnxModuleWriter(graph, state);
        object sidecar;
        if (part == OnnxPart.Image)
        {
            var recipe = model.Reading.ImageRecipe;
            var image = model.Config.Model.Image;
            if (!image.Backbone.StartsWith("resnet", StringComparison.OrdinalIgnoreCase))
                throw new CxrVLException($"ONNX export of the image encoder covers ResNet backbones; '{image.Backbone}' is not exported yet.");
            graph.Input(OnnxExportNames.Image, OnnxModuleWriter.FloatType, "batch", recipe.Channels, recipe.Size, recipe.Size);
            var pooled = ResNetOnnx.Write(writer, OnnxExportNames.Image, layout.ImageBackbone, ImageEncoder.ResNetFor(image));
            var embedding = writer.L2Normalize(Head(writer, pooled, layout.ImageHead, layout.HeadKind));
            graph.Output(embedding, OnnxExportNames.Embedding, OnnxModuleWriter.FloatType, "batch", layout.EmbedDim);
            sidecar = new
            {
                Part = "image",
                Inputs = new[] { new { Name = OnnxExportNames.Image, Type = "float32", Shape = new object[] { "batch", recipe.Channels, recipe.Size, recipe.Size } } },
                Preprocessing = new
                {
                    ImageRecipe = recipe.Name,
                    recipe.Origin,
                    Decode = recipe.Decode.ToString().ToLowerInvariant(),
                    recipe.Size,
                    recipe.Channels,
                    recipe.Normalization.Mean,
                    recipe.Normalization.Std,
                    Steps = recipe.Eval.Select(step => step.GetType().Name).ToList(),
                    Note = "pixels scaled to [0, 1] by the image's maximum value, then (x - mean) / std per channel; MONOCHROME1 DICOM inverted",
                },
            };
        }
        else
        {
            var text = TextEncoder.Configure(model.Config.Model.Text, model.Tokenizer.VocabularySize);
            graph.Input(OnnxExportNames.InputIds, Onnx.TensorProto.Types.DataType.Int64, "batch", "tokens");
            graph.Input(OnnxExportNames.AttentionMask, Onnx.TensorProto.Types.DataType.Int64, "batch", "tokens");
            var pooled = BertOnnx.Write(writer, OnnxExportNames.InputIds, OnnxExportNames.AttentionMask, layout.TextBackbone, text, model.Config.Model.Text.Pooling);
            var embedding = writer.L2Normalize(Head(writer, pooled, layout.TextHead, layout.HeadKind));
            graph.Output(embedding, OnnxExportNames.Embedding, OnnxModuleWriter.FloatType, "batch", layout.EmbedDim);
            sidecar = new
            {
                Part = "text",
                Inputs = new[]
                {
                    new { Name = OnnxExportNames.InputIds, Type = "int64", Shape = new object[] { "batch", "tokens" } },
                    new { Name = OnnxExportNames.AttentionMask, Type = "int64", Shape = new object[] { "batch", "tokens" } },
                },
                Tokenizer = new
                {
                    Source = model.Config.Model.Text.TrainVocabulary is null ? model.Config.Model.Text.Tokenizer : PretrainedModel.TrainedTokenizerFile + " in the run folder",
                    Kind = "WordPiece ([CLS] text [SEP], Hugging Face BertTokenizerFast rules)",
                    model.Tokenizer.VocabularySize,
                    model.Config.Model.Text.MaxLength,
                    model.Config.Data.ReportPrefix,
                    Pooling = model.Config.Model.Text.Pooling.ToString().ToLowerInvariant(),
                    TokenTypeIds = "all 0 (not an input)",
                },
            };
        }

        var onnx = graph.Build($"CxrVL {model.Config.Method} {part.ToString().ToLowerInvariant()} encoder from {model.Weights}");
        var directory = Path.GetDirectoryName(Path.GetFullPath(outPath))!;
        Directory.CreateDirectory(directory);
        AtomicFile.Write(outPath, stream => onnx.WriteTo(stream));
        var sidecarPath = Path.ChangeExtension(outPath, ".json");
        var description = new
        {
            Format = "cxrvl-onnx-export",
            Opset = OnnxExportNames.Opset,
            model.Config.Method,
            Checkpoint = model.Weights,
            CheckpointSha256 = model.Weights is null ? null : FileHash.Sha256(model.Weights),
            Outputs = new[] { new { Name = OnnxExportNames.Embedding, Type = "float32", Shape = new object[] { "batch", layout.EmbedDim }, Note = "l2-normalised; image-text similarity is the dot product" } },
            Details = sidecar,
        };
        AtomicFile.WriteAllText(sidecarPath, JsonSerializer.Serialize(description, Json) + Environment.NewLine);
        var parameters = onnx.Graph.Initializer.Sum(i => i.Dims.Aggregate(1L, (a, b) => a * b));
        return new OnnxExportResult(outPath, sidecarPath, part, onnx.Graph.Node.Count, onnx.Graph.Initializer.Count, parameters);
    }

    private static string Head(OnnxModuleWriter writer, string x, string prefix, ProjectionKind kind)
    {
        var graph = writer.Graph;
        switch (kind)
        {
            case ProjectionKind.Linear:
                return writer.Linear2d(x, prefix);
            case ProjectionKind.Mlp:
                return writer.Linear2d(graph.Node("Relu", [writer.Linear2d(x, $"{prefix}.0")]), $"{prefix}.2");
            case ProjectionKind.BatchNorm:
                var hidden = graph.Node("Relu", [writer.BatchNorm1d(writer.Linear2d(x, $"{prefix}.head.0"), $"{prefix}.head.1", 1e-5)]);
                return writer.BatchNorm1d(writer.Linear2d(hidden, $"{prefix}.head.3"), $"{prefix}.head.4", 1e-5);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }
}
