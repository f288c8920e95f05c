using System.Text.Json;
using CxrVL.Files;
using CxrVL.Generation;
using CxrVL.Imaging;
using CxrVL.Runs;
using CxrVL.Tasks.ReportGeneration;
using Google.Protobuf;
using Onnx;
using static CxrVL.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace CxrVL.Export;

/// <summary>
/// Writes a report generator (R2Gen or XProNet) as two ONNX graphs (opset <see cref="OnnxExportNames.Opset"/>), built
/// node by node from the model's state dict in evaluation mode: the encoder (the ResNet visual extractor, the visual
/// projection, XProNet's prototype classifier and visual prototype querying, the transformer encoder: images to
/// memory) and one decoder step (the report so far, the memory and XProNet's prototype labels to the next word's
/// log-probabilities; R2Gen's relational memory runs over the report so far as a Scan). The decoder step recomputes the
/// whole prefix, as CxrVL's own decoding does, so any search (greedy, beam, sampling) can drive it. The sidecar JSON
/// holds the inputs and outputs, the image preprocessing, the word vocabulary and the recipe's decoding settings.
/// </summary>
public static class ReportOnnxExporter
{
    private const string Transformer = "encoder_decoder.model";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static IReadOnlyList<OnnxExportResult> Export(ReportGenerator generator, string outPath)
    {
        var layout = ReportLayout.Of(generator.Config);
        var state = generator.Model.Model.state_dict();
        var (encoderPath, decoderPath, sidecarPath) = OnnxExportNames.ReportFiles(outPath);
        var recipe = ImageRecipes.BuiltIn.Get(generator.Config.Data.ImageRecipe);
        var vocabulary = generator.Vocabulary.VocabularySize;

        var encoder = new OnnxGraphBuilder($"cxrvl-{layout.Method}-rrg-encoder");
        WriteEncoder(new OnnxModuleWriter(encoder, state), layout, generator, recipe);
        var decoder = new OnnxGraphBuilder($"cxrvl-{layout.Method}-rrg-decoder");
        WriteDecoder(new OnnxModuleWriter(decoder, state), layout, vocabulary);

        Directory.CreateDirectory(Path.GetDirectoryName(encoderPath)!);
        var results = new List<OnnxExportResult>();
        foreach (var (graph, path, part) in new[] { (encoder, encoderPath, "encoder"), (decoder, decoderPath, "decoder step") })
        {
            var model = graph.Build($"CxrVL {layout.Method} report {part} from {generator.Weights}");
            AtomicFile.Write(path, stream => model.WriteTo(stream));
            var parameters = model.Graph.Initializer.Sum(i => i.Dims.Aggregate(1L, (a, b) => a * b));
            results.Add(new OnnxExportResult(path, sidecarPath, OnnxPart.Rrg, model.Graph.Node.Count, model.Graph.Initializer.Count, parameters));
        }
        AtomicFile.WriteAllText(sidecarPath, JsonSerializer.Serialize(Sidecar(generator, layout, recipe, encoderPath, decoderPath), Json) + Environment.NewLine);
        return results;
    }

    private static void WriteEncoder(OnnxModuleWriter writer, ReportLayout layout, ReportGenerator generator, ImageRecipe recipe)
    {
        var graph = writer.Graph;
        var views = generator.Views;
        graph.Input(OnnxExportNames.Images, OnnxModuleWriter.FloatType, "batch", views, recipe.Channels, recipe.Size, recipe.Size);
        graph.Input(OnnxExportNames.ImagePresent, TensorProto.Types.DataType.Bool, "batch", views);
        var resnet = VisualExtractor.ResNetFor(generator.Config.Model.VisualExtractor, generator.Config.Model.VisualExtractorLayers);

        // Every view through the same ResNet; its last map's positions side by side per study, [B, S·h·w, F].
        var flat = graph.Node("Reshape", [OnnxExportNames.Images, writer.Int64s("shape_views_flat", -1, recipe.Channels, recipe.Size, recipe.Size)]);
        var map = ResNetOnnx.LastStage(writer, flat, "visual_extractor.model", resnet);
        var perView = graph.Node("Transpose", [graph.Node("Reshape", [map, writer.Int64s("shape_flatten_map", 0, 0, -1)])], Ints("perm", 0, 2, 1));
        var batch = graph.Node("Shape", [OnnxExportNames.Images], Int("start", 0), Int("end", 1));
        var patches = graph.Node("Reshape", [perView, graph.Node("Concat", [batch, writer.Int64s($"shape_rest_{resnet.FeatureChannels}", -1, resnet.FeatureChannels)], Int("axis", 0))]);
        var viewMask = graph.Node("Expand", [graph.Node("Reshape", [OnnxExportNames.ImagePresent, writer.Int64s("shape_column", -1, 1)]),
                                             graph.Node("Shape", [perView], Int("start", 0), Int("end", 2))]);
        var memoryMask = graph.Node("Reshape", [viewMask, graph.Node("Concat", [batch, writer.Int64s("shape_rest", -1)], Int("axis", 0))]);
        var transformer = new ReportTransformerOnnx(writer, layout.Heads, layout.DModel);
        var sourceMask = transformer.KeyMask(memoryMask);

        var features = graph.Node("Relu", [writer.Linear(patches, "encoder_decoder.att_embed.0")]);
        string memory;
        if (layout.Prototypes)
        {
            // The image classifier on the views' pooled features (absent views zeroed) picks the prototype classes.
            var pooled = graph.Node("ReduceMean", [map], Ints("axes", 2, 3), Int("keepdims", 0));
            var present = graph.Node("Unsqueeze", [graph.Node("Cast", [OnnxExportNames.ImagePresent], Int("to", (long)OnnxModuleWriter.FloatType)), writer.Int64s("axes_last", -1)]);
            var byView = graph.Node("Reshape", [pooled, graph.Node("Concat", [graph.Node("Shape", [OnnxExportNames.Images], Int("start", 0), Int("end", 2)),
                                                                               writer.Int64s($"shape_features_{resnet.FeatureChannels}", resnet.FeatureChannels)], Int("axis", 0))]);
            var concatenated = graph.Node("Reshape", [graph.Node("Mul", [byView, present]), graph.Node("Concat", [batch, writer.Int64s("shape_rest", -1)], Int("axis", 0))]);
            var labels = PrototypeLabels(writer, graph.Node("Sigmoid", [writer.Linear(concatenated, "label_head")]), layout.Classes);
            graph.Output(labels, OnnxExportNames.PrototypeLabels, OnnxModuleWriter.FloatType, "batch", layout.Classes);

            var (queries, keep) = Prototypes(writer, labels, layout);
            var responses = transformer.PrototypeAttention("encoder_decoder.cmn", features, queries, keep, layout.KeptPrototypes);
            var fused = writer.Linear(graph.Node("Concat", [features, responses], Int("axis", 2)), "encoder_decoder.fuse_feature");
            memory = transformer.Encoder($"{Transformer}.encoder", transformer.AddPositions(fused, $"{Transformer}.src_embed.0.pe"), sourceMask, layout.Layers);
        }
        else
        {
            memory = transformer.Encoder($"{Transformer}.encoder", features, sourceMask, layout.Layers);
        }
        graph.Output(memory, OnnxExportNames.Memory, OnnxModuleWriter.FloatType, "batch", "patches", layout.DModel);
        graph.Output(memoryMask, OnnxExportNames.MemoryMask, TensorProto.Types.DataType.Bool, "batch", "patches");
    }

    private static void WriteDecoder(OnnxModuleWriter writer, ReportLayout layout, long vocabulary)
    {
        var graph = writer.Graph;
        graph.Input(OnnxExportNames.Tokens, TensorProto.Types.DataType.Int64, "batch", "tokens");
        graph.Input(OnnxExportNames.Memory, OnnxModuleWriter.FloatType, "batch", "patches", layout.DModel);
        graph.Input(OnnxExportNames.MemoryMask, TensorProto.Types.DataType.Bool, "batch", "patches");
        var transformer = new ReportTransformerOnnx(writer, layout.Heads, layout.DModel);

        var words = graph.Node("Gather", [writer.Parameter($"{Transformer}.tgt_embed.0.lut.weight"), OnnxExportNames.Tokens]);
        var scaled = graph.Node("Mul", [words, writer.Constant($"sqrt_d_model_{layout.DModel}", MathF.Sqrt(layout.DModel))]);
        var embedded = transformer.AddPositions(scaled, $"{Transformer}.tgt_embed.1.pe");
        var targetMask = transformer.TargetMask(OnnxExportNames.Tokens);
        var sourceMask = transformer.KeyMask(OnnxExportNames.MemoryMask);
        string output;
        if (layout.Prototypes)
        {
            graph.Input(OnnxExportNames.PrototypeLabels, OnnxModuleWriter.FloatType, "batch", layout.Classes);
            var (queries, keep) = Prototypes(writer, OnnxExportNames.PrototypeLabels, layout);
            var responses = transformer.PrototypeAttention("encoder_decoder.cmn", embedded, queries, keep, layout.KeptPrototypes);
            var fused = writer.Linear(graph.Node("Concat", [embedded, responses], Int("axis", 2)), "encoder_decoder.text_fuse_feature");
            output = transformer.Decoder($"{Transformer}.decoder", fused, OnnxExportNames.Memory, sourceMask, targetMask, layout.Layers, condition: null);
        }
        else
        {
            var states = RelationalMemory(writer, embedded, layout);
            output = transformer.Decoder($"{Transformer}.decoder", embedded, OnnxExportNames.Memory, sourceMask, targetMask, layout.Layers, states);
        }
        var last = graph.Node("Sub", [graph.Node("Gather", [graph.Node("Shape", [OnnxExportNames.Tokens]), writer.Int64Scalar("one_i64", 1)], Int("axis", 0)),
                                      writer.Int64Scalar("one_i64", 1)]);
        var logits = writer.Linear(graph.Node("Gather", [output, last], Int("axis", 1)), "encoder_decoder.logit");
        graph.Output(graph.Node("LogSoftmax", [logits], Int("axis", -1)), OnnxExportNames.LogProbs, OnnxModuleWriter.FloatType, "batch", vocabulary);
    }

    /// <summary>
    /// <see cref="ReportLabels.FromProbabilities"/>: probabilities of at least 0.5 are the labels; a study with none gets
    /// the fallback class alone.
    /// </summary>
    private static string PrototypeLabels(OnnxModuleWriter writer, string probabilities, int classes)
    {
        var graph = writer.Graph;
        var labels = graph.Node("Cast", [graph.Node("GreaterOrEqual", [probabilities, writer.Constant("half", 0.5f)])], Int("to", (long)OnnxModuleWriter.FloatType));
        var count = graph.Node("ReduceSum", [labels, writer.Int64s("axes_1", 1)], Int("keepdims", 1));
        var none = graph.Node("Cast", [graph.Node("Equal", [count, writer.Constant("zero", 0f)])], Int("to", (long)OnnxModuleWriter.FloatType));
        var fallback = new float[classes];
        fallback[ReportLabels.FallbackIndex] = 1;
        using var fallbackTensor = tensor(fallback);
        var onlyFallback = graph.Node("Mul", [none, graph.Initializer("prototype_fallback_class", fallbackTensor)]);
        return graph.Node("Max", [labels, onlyFallback]);
    }

    /// <summary>
    /// XProNet's query matrix: all classes' projected prototypes [1, K·P, D], each study keeping those of its positive
    /// classes ([B, K·P] bool). CxrVL's model packs only the positive classes; the masked softmax gives the same weights.
    /// </summary>
    private static (string Queries, string Keep) Prototypes(OnnxModuleWriter writer, string labels, ReportLayout layout)
    {
        var graph = writer.Graph;
        var projected = writer.Linear(writer.Parameter("encoder_decoder.protypes"), "encoder_decoder.dim_reduction");
        var queries = graph.Node("Unsqueeze", [projected, writer.Int64s("axes_0", 0)]);
        var positive = graph.Node("Unsqueeze", [graph.Node("Greater", [labels, writer.Constant("half", 0.5f)]), writer.Int64s("axes_last", -1)]);
        var perClass = graph.Node("Expand", [positive, writer.Int64s($"shape_prototypes_{layout.PerClass}", 1, 1, layout.PerClass)]);
        return (queries, graph.Node("Reshape", [perClass, writer.Int64s("shape_rest_2d", 0, -1)]));
    }

    /// <summary>
    /// R2Gen's relational memory (<see cref="Methods.R2Gen.RelationalMemory"/>) over the embedded words [B, T, D] as a
    /// Scan whose body is one memory update; returns the memory after every word, flattened [B, T, slots·D].
    /// </summary>
    private static string RelationalMemory(OnnxModuleWriter writer, string embedded, ReportLayout layout)
    {
        var graph = writer.Graph;
        var (slots, d) = (layout.MemorySlots, (long)layout.DModel);
        var start = zeros(1, slots, d);
        var width = Math.Min(slots, d);
        start[0, ..(int)width, ..(int)width] = eye(width);
        var initial = graph.Initializer("encoder_decoder.rm.initial_memory", start);
        start.Dispose();
        var batchShape = graph.Node("Concat", [graph.Node("Shape", [OnnxExportNames.Tokens], Int("start", 0), Int("end", 1)), writer.Int64s("ones_2", 1, 1)], Int("axis", 0));
        var memory0 = graph.Node("Expand", [initial, batchShape]);

        var body = graph.Subgraph("relational_memory_step");
        var step = writer.In(body);
        const string memoryIn = "rm_memory_in", wordIn = "rm_word_in";
        body.Input(memoryIn, OnnxModuleWriter.FloatType, "batch", slots, d);
        body.Input(wordIn, OnnxModuleWriter.FloatType, "batch", d);
        var attention = new ReportTransformerOnnx(step, layout.MemoryHeads, d);
        var word = body.Node("Unsqueeze", [wordIn, step.Int64s("axes_1", 1)]);
        var keys = body.Node("Concat", [memoryIn, word], Int("axis", 1));
        var next = body.Node("Add", [memoryIn, attention.Attention("encoder_decoder.rm.attn", memoryIn, keys, keys, null)]);
        var mlp = body.Node("Relu", [step.Linear(body.Node("Relu", [step.Linear(next, "encoder_decoder.rm.mlp.0")]), "encoder_decoder.rm.mlp.2")]);
        next = body.Node("Add", [next, mlp]);
        var gates = body.Node("Add", [step.Linear(word, "encoder_decoder.rm.W"), step.Linear(body.Node("Tanh", [memoryIn]), "encoder_decoder.rm.U")]);
        var input = body.Node("Slice", [gates, step.Int64s("zero_1d", 0), step.Int64s($"d_{d}", d), step.Int64s("axes_2", 2)]);
        var forget = body.Node("Slice", [gates, step.Int64s($"d_{d}", d), step.Int64s($"d_{2 * d}", 2 * d), step.Int64s("axes_2", 2)]);
        var updated = body.Node("Add", [body.Node("Mul", [body.Node("Sigmoid", [input]), body.Node("Tanh", [next])]),
                                        body.Node("Mul", [body.Node("Sigmoid", [forget]), memoryIn])]);
        body.Output(updated, "rm_memory_out", OnnxModuleWriter.FloatType, "batch", slots, d);
        body.Output(body.Node("Reshape", [updated, step.Int64s("shape_rest_2d", 0, -1)]), "rm_state_out", OnnxModuleWriter.FloatType, "batch", slots * d);

        return graph.Node("Scan", [memory0, embedded], 2, body.AsAttribute("body"), Int("num_scan_inputs", 1),
                          Ints("scan_input_axes", 1), Ints("scan_output_axes", 1))[1];
    }

    private static object Sidecar(ReportGenerator generator, ReportLayout layout, ImageRecipe recipe, string encoderPath, string decoderPath)
    {
        var views = generator.Views;
        var memoryInputs = new List<object>
        {
            new { Name = OnnxExportNames.Memory, Type = "float32", Shape = new object[] { "batch", "patches", layout.DModel } },
            new { Name = OnnxExportNames.MemoryMask, Type = "bool", Shape = new object[] { "batch", "patches" } },
        };
        if (layout.Prototypes)
            memoryInputs.Add(new { Name = OnnxExportNames.PrototypeLabels, Type = "float32", Shape = new object[] { "batch", layout.Classes } });
        return new
        {
            Format = "cxrvl-onnx-export",
            Opset = OnnxExportNames.Opset,
            Part = "rrg",
            layout.Method,
            Checkpoint = generator.Weights,
            CheckpointSha256 = FileHash.Sha256(generator.Weights),
            Encoder = new
            {
                File = Path.GetFileName(encoderPath),
                Inputs = new object[]
                {
                    new { Name = OnnxExportNames.Images, Type = "float32", Shape = new object[] { "batch", views, recipe.Channels, recipe.Size, recipe.Size } },
                    new { Name = OnnxExportNames.ImagePresent, Type = "bool", Shape = new object[] { "batch", views }, Note = "false for an absent view (frontal first, then lateral)" },
                },
                Outputs = memoryInputs,
            },
            Decoder = new
            {
                File = Path.GetFileName(decoderPath),
                Inputs = new object[] { new { Name = OnnxExportNames.Tokens, Type = "int64", Shape = new object[] { "batch", "tokens" }, Note = "the report so far, starting with the begin id 0" } }
                    .Concat(memoryInputs).ToList(),
                Outputs = new[] { new { Name = OnnxExportNames.LogProbs, Type = "float32", Shape = new object[] { "batch", generator.Vocabulary.VocabularySize }, Note = "log-probabilities of the word after the last token" } },
            },
            Decoding = new
            {
                Protocol = "tokens = [0]; repeat: run the decoder, pick a word from log_probs (argmax for greedy), stop at id 0 or max_length words, else append it",
                Strategy = generator.Config.Decoding.Strategy.ToString().ToLowerInvariant(),
                generator.Config.Decoding.BeamSize,
                generator.Config.Decoding.MaxLength,
                generator.Config.Decoding.MinLength,
                generator.Config.Decoding.BlockTrigrams,
            },
            Preprocessing = new
            {
                ImageRecipe = recipe.Name,
                recipe.Size,
                recipe.Channels,
                recipe.Normalization.Mean,
                recipe.Normalization.Std,
                Views = views,
                Steps = recipe.Eval.Select(step => step.GetType().Name).ToList(),
            },
            Vocabulary = new
            {
                Kind = "R2Gen word vocabulary: cleaned report text split on spaces; id i + 1 is words[i]; id 0 begins and ends a report",
                Size = generator.Vocabulary.VocabularySize,
                Words = generator.Vocabulary.Tokens,
            },
        };
    }
}
