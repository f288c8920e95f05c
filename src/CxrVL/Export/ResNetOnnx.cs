using CxrVL.Models;

namespace CxrVL.Export;

/// <summary>A torchvision-layout ResNet (BatchNorms in evaluation) to its pooled features [N, C], as <see cref="ResNet"/> computes them without attention pooling.</summary>
internal static class ResNetOnnx
{
    public static string Write(OnnxModuleWriter writer, string images, string prefix, ResNetConfig config)
    {
        if (config.AttentionPool is not null)
            throw new CxrVLException("ONNX export: this ResNet pools with attention (CLIP attention pooling, PRIOR); only mean pooling is exported.");
        var pooled = writer.Graph.Node("GlobalAveragePool", [LastStage(writer, images, prefix, config)]);
        return writer.Graph.Node("Flatten", [pooled], OnnxGraphBuilder.Int("axis", 1));
    }

    /// <summary>The last stage's feature map [N, C, h, w] (<see cref="ResNetFeatures.Last"/>).</summary>
    public static string LastStage(OnnxModuleWriter writer, string images, string prefix, ResNetConfig config)
    {
        var graph = writer.Graph;
        var eps = config.BatchNormEps;
        var x = graph.Node("Relu", [writer.BatchNorm2d(writer.Conv(images, $"{prefix}.conv1", 7, 2, 3), $"{prefix}.bn1", eps)]);
        x = graph.Node("MaxPool", [x], OnnxGraphBuilder.Ints("kernel_shape", 3, 3), OnnxGraphBuilder.Ints("strides", 2, 2), OnnxGraphBuilder.Ints("pads", 1, 1, 1, 1));
        for (var stage = 0; stage < 4; stage++)
        {
            for (var block = 0; block < config.BlocksPerStage[stage]; block++)
            {
                var stride = stage > 0 && block == 0 ? 2 : 1;
                x = Block(writer, x, $"{prefix}.layer{stage + 1}.{block}", config, stride);
            }
        }
        return x;
    }

    private static string Block(OnnxModuleWriter writer, string input, string prefix, ResNetConfig config, long stride)
    {
        var graph = writer.Graph;
        var eps = config.BatchNormEps;
        string x;
        if (config.Bottleneck)
        {
            x = graph.Node("Relu", [writer.BatchNorm2d(writer.Conv(input, $"{prefix}.conv1", 1, 1, 0), $"{prefix}.bn1", eps)]);
            x = graph.Node("Relu", [writer.BatchNorm2d(writer.Conv(x, $"{prefix}.conv2", 3, stride, 1), $"{prefix}.bn2", eps)]);
            x = writer.BatchNorm2d(writer.Conv(x, $"{prefix}.conv3", 1, 1, 0), $"{prefix}.bn3", eps);
        }
        else
        {
            x = graph.Node("Relu", [writer.BatchNorm2d(writer.Conv(input, $"{prefix}.conv1", 3, stride, 1), $"{prefix}.bn1", eps)]);
            x = writer.BatchNorm2d(writer.Conv(x, $"{prefix}.conv2", 3, 1, 1), $"{prefix}.bn2", eps);
        }
        var identity = writer.Has($"{prefix}.downsample.0.weight")
            ? writer.BatchNorm2d(writer.Conv(input, $"{prefix}.downsample.0", 1, stride, 0), $"{prefix}.downsample.1", eps)
            : input;
        return graph.Node("Relu", [graph.Node("Add", [x, identity])]);
    }
}
