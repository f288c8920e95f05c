using System.Globalization;
using CxrVL.Models;
using Onnx;
using static TorchSharp.torch;

namespace CxrVL.Weights.Onnx;

/// <summary>
/// Walks a residual network from its image input: stem (Conv, BatchNormalization, Relu, MaxPool), then blocks, each a
/// main branch of two (basic) or three (bottleneck) Conv+BatchNormalization pairs added to the block's input or to a
/// strided 1x1 Conv+BatchNormalization shortcut, then global average pooling and an optional Gemm. A block opens a new
/// stage when it changes the stride or the width. Names are torchvision's (<c>layer2.0.downsample.1.running_var</c>).
/// Padding may be asymmetric (CNTK pads 3,3,2,2 where torchvision pads 3 all round): accepted when the windows start
/// at torchvision's offset and the map sizes equal torchvision's at the graph's input size, so every window reads the
/// same pixels.
/// </summary>
internal static class OnnxResNetMapper
{
    private sealed record ConvBn(NodeProto Conv, NodeProto Bn);

    private sealed record Block(IReadOnlyList<ConvBn> Main, ConvBn? Shortcut, int Stride, long Width);

    public static (StateDict Weights, ResNetConfig Config, string Summary) Map(OnnxGraph graph)
    {
        var inputs = graph.DataInputs;
        if (inputs.Count != 1 || inputs[0].Type?.TensorType?.Shape?.Dim.Count != 4)
            throw OnnxImporter.Unmapped(graph, "graph inputs", $"a ResNet has one image input [N, C, H, W]; found {string.Join(", ", inputs.Select(i => i.Name))}");
        var inputDims = inputs[0].Type.TensorType.Shape.Dim;
        long? size = inputDims[2].HasDimValue && inputDims[3].HasDimValue && inputDims[2].DimValue == inputDims[3].DimValue ? inputDims[2].DimValue : null;

        var x = inputs[0].Name;
        var stem = ConvBnAt(graph, Single(graph, x, "Conv", "the image input"));
        size = CheckWindows(graph, stem.Conv, size);
        x = Next(graph, stem.Bn.Output[0], "Relu", "stem BatchNormalization").Output[0];
        var pool = Next(graph, x, "MaxPool", "stem Relu");
        if (OnnxGraph.Ints(pool, "kernel_shape") is not [3, 3] || OnnxGraph.Ints(pool, "strides") is not [2, 2])
            throw OnnxImporter.Unmapped(graph, $"MaxPool {pool.Name}", "torchvision's stem pools 3x3 with stride 2");
        size = CheckWindows(graph, pool, size);
        x = pool.Output[0];

        var blocks = new List<Block>();
        while (graph.Consumers(x).Any(n => n.OpType == "Conv"))
        {
            var (block, output, blockSize) = ReadBlock(graph, x, size);
            blocks.Add(block);
            (x, size) = (output, blockSize);
        }
        if (blocks.Count == 0)
            throw OnnxImporter.Unmapped(graph, "after the stem", "no residual block (Conv branches joined by Add) follows the MaxPool");
        var bottleneck = blocks[0].Main.Count == 3;
        if (blocks.Any(b => b.Main.Count != blocks[0].Main.Count))
            throw OnnxImporter.Unmapped(graph, "residual blocks", "basic (two-convolution) and bottleneck (three-convolution) blocks are mixed");

        var stages = new List<List<Block>>();
        foreach (var block in blocks)
        {
            if (stages.Count == 0 || block.Stride != 1 || block.Width != stages[^1][^1].Width)
                stages.Add([]);
            stages[^1].Add(block);
        }
        if (stages.Count != 4)
            throw OnnxImporter.Unmapped(graph, "residual stages", $"torchvision's ResNet has 4 stages; the graph's {blocks.Count} blocks form {stages.Count}");

        var classes = ReadHead(graph, x, out var fc);
        var weights = new StateDict();
        var inputChannels = graph.Shape(stem.Conv.Input[1])[1];
        AddConvBn(graph, weights, stem, "conv1", "bn1");
        for (var s = 0; s < stages.Count; s++)
        {
            for (var b = 0; b < stages[s].Count; b++)
            {
                var prefix = $"layer{s + 1}.{b}.";
                var block = stages[s][b];
                for (var i = 0; i < block.Main.Count; i++)
                    AddConvBn(graph, weights, block.Main[i], $"{prefix}conv{i + 1}", $"{prefix}bn{i + 1}");
                if (block.Shortcut is { } shortcut)
                    AddConvBn(graph, weights, shortcut, $"{prefix}downsample.0", $"{prefix}downsample.1");
            }
        }
        if (fc is not null)
        {
            var transposed = OnnxGraph.Int(fc, "transB", 0) == 1;
            var weight = graph.Tensor(fc.Input[1]);
            weights.Add("fc.weight", transposed ? weight : weight.t().contiguous());
            weights.Add("fc.bias", graph.Tensor(fc.Input[2]));
        }
        var config = new ResNetConfig
        {
            BlocksPerStage = stages.Select(s => s.Count).ToList(),
            Bottleneck = bottleneck,
            InputChannels = (int)inputChannels,
            BaseWidth = (int)graph.Shape(stem.Conv.Input[1])[0],
            Classes = classes,
        };
        var summary = $"{graph.Exporter}: ResNet of {(bottleneck ? "bottleneck" : "basic")} blocks {string.Join("-", config.BlocksPerStage)}, " +
                      $"{inputChannels}-channel input, {(classes is null ? "no classifier (pooled features)" : $"{classes}-class fc")}";
        return (weights, config, summary);
    }

    private static (Block Block, string Output, long? Size) ReadBlock(OnnxGraph graph, string x, long? size)
    {
        var convs = graph.Consumers(x).Where(n => n.OpType == "Conv").Select(c => ConvBnAt(graph, c)).ToList();
        var main = new List<ConvBn>();
        ConvBn? shortcut = null;
        foreach (var pair in convs)
        {
            var next = graph.Consumers(pair.Bn.Output[0]);
            if (next is [{ OpType: "Add" }])
                shortcut = shortcut is null ? pair : throw OnnxImporter.Unmapped(graph, $"block input {x}", "two shortcut convolutions");
            else if (next is [{ OpType: "Relu" }])
                main.Add(pair);
            else
                throw OnnxImporter.Unmapped(graph, $"BatchNormalization {pair.Bn.Name}", $"expected one Relu or Add after it, found {string.Join(", ", next.Select(n => n.OpType))}");
        }
        if (main.Count != 1)
            throw OnnxImporter.Unmapped(graph, $"block input {x}", $"expected one main branch, found {main.Count}");
        long? mainSize = CheckWindows(graph, main[0].Conv, size);
        NodeProto add;
        while (true)
        {
            var after = graph.Consumers(main[^1].Bn.Output[0]);
            if (after is [{ OpType: "Add" } joined])
            {
                add = joined;
                break;
            }
            var relu = after is [{ OpType: "Relu" } r] ? r : throw OnnxImporter.Unmapped(graph, $"BatchNormalization {main[^1].Bn.Name}", "a branch convolution must be followed by Relu or Add");
            var conv = Single(graph, relu.Output[0], "Conv", $"Relu {relu.Name}");
            main.Add(ConvBnAt(graph, conv));
            mainSize = CheckWindows(graph, conv, mainSize);
            if (main.Count > 3)
                throw OnnxImporter.Unmapped(graph, $"block input {x}", "a residual branch of more than three convolutions");
        }
        var other = add.Input.Single(i => i != main[^1].Bn.Output[0]);
        if (shortcut is null ? other != x : other != shortcut.Bn.Output[0])
            throw OnnxImporter.Unmapped(graph, $"Add {add.Name}", "the residual sum must add the block input or its shortcut convolution");
        if (shortcut is not null && CheckWindows(graph, shortcut.Conv, size) != mainSize)
            throw OnnxImporter.Unmapped(graph, $"Conv {shortcut.Conv.Name}", "the shortcut's map size differs from the branch's");
        var strides = main.Select(m => OnnxGraph.Ints(m.Conv, "strides", 1, 1)[0]).ToList();
        var strideAt = main.Count == 3 ? 1 : 0;
        if (strides.Where((s, i) => i != strideAt && s != 1).Any())
            throw OnnxImporter.Unmapped(graph, $"block at {x}",
                $"strides {string.Join(",", strides)}: torchvision strides the {(main.Count == 3 ? "3x3 (second)" : "first")} convolution of a block only (ResNet v1.5)");
        var output = Next(graph, add.Output[0], "Relu", $"Add {add.Name}").Output[0];
        var width = graph.Shape(main[^1].Conv.Input[1])[0];
        return (new Block(main, shortcut, (int)strides[strideAt], width), output, mainSize);
    }

    /// <summary>Global average pooling, then optionally Flatten/Reshape and a Gemm classifier; returns its class count.</summary>
    private static int? ReadHead(OnnxGraph graph, string x, out NodeProto? fc)
    {
        fc = null;
        var pool = graph.Consumers(x) switch
        {
            [{ OpType: "GlobalAveragePool" or "AveragePool" or "ReduceMean" } p] => p,
            var found => throw OnnxImporter.Unmapped(graph, $"after the last block ({x})",
                $"expected global average pooling, found {string.Join(", ", found.Select(n => n.OpType).DefaultIfEmpty("nothing"))}"),
        };
        var value = pool.Output[0];
        while (graph.Consumers(value) is [{ OpType: "Flatten" or "Reshape" or "Squeeze" } flat])
            value = flat.Output[0];
        if (graph.Consumers(value) is not [{ OpType: "Gemm" } gemm])
            return null;
        if (OnnxGraph.Float(gemm, "alpha", 1) != 1 || OnnxGraph.Float(gemm, "beta", 1) != 1 || OnnxGraph.Int(gemm, "transA", 0) != 0 || gemm.Input.Count < 3)
            throw OnnxImporter.Unmapped(graph, $"Gemm {gemm.Name}", "the classifier must be a plain x W^T + b (alpha 1, beta 1, no transA, with a bias)");
        fc = gemm;
        var shape = graph.Shape(gemm.Input[1]);
        return (int)(OnnxGraph.Int(gemm, "transB", 0) == 1 ? shape[0] : shape[1]);
    }

    private static ConvBn ConvBnAt(OnnxGraph graph, NodeProto conv)
    {
        if (conv.Input.Count > 2 && conv.Input[2].Length > 0)
            throw OnnxImporter.Unmapped(graph, $"Conv {conv.Name}", "it has a bias; torchvision's ResNet convolutions have none (BatchNorm follows)");
        if (!graph.IsInitializer(conv.Input[1]))
            throw OnnxImporter.Unmapped(graph, $"Conv {conv.Name}", "its weight is computed, not an initializer");
        if (OnnxGraph.Int(conv, "group", 1) != 1 || OnnxGraph.Ints(conv, "dilations", 1, 1).Any(d => d != 1))
            throw OnnxImporter.Unmapped(graph, $"Conv {conv.Name}", "grouped or dilated convolution");
        var bn = Next(graph, conv.Output[0], "BatchNormalization", $"Conv {conv.Name}");
        var eps = OnnxGraph.Float(bn, "epsilon", 1e-5f);
        if (Math.Abs(eps - 1e-5) > 1e-9)
            throw OnnxImporter.Unmapped(graph, $"BatchNormalization {bn.Name}", $"epsilon {eps.ToString(CultureInfo.InvariantCulture)}; torchvision's is 1e-5");
        if (bn.Input.Skip(1).Any(i => !graph.IsInitializer(i)))
            throw OnnxImporter.Unmapped(graph, $"BatchNormalization {bn.Name}", "its scale, bias, mean and variance must be initializers");
        return new ConvBn(conv, bn);
    }

    private static void AddConvBn(OnnxGraph graph, StateDict weights, ConvBn pair, string conv, string bn)
    {
        weights.Add($"{conv}.weight", graph.Tensor(pair.Conv.Input[1]));
        weights.Add($"{bn}.weight", graph.Tensor(pair.Bn.Input[1]));
        weights.Add($"{bn}.bias", graph.Tensor(pair.Bn.Input[2]));
        weights.Add($"{bn}.running_mean", graph.Tensor(pair.Bn.Input[3]));
        weights.Add($"{bn}.running_var", graph.Tensor(pair.Bn.Input[4]));
        // torch.nn.BatchNorm2d's step counter; ONNX has none and inference never reads it.
        weights.Add($"{bn}.num_batches_tracked", tensor(0L));
    }

    /// <summary>
    /// Checks a Conv's or MaxPool's padding against torchvision's (kernel / 2 on every side): the windows must start at
    /// the same offset and, at the graph's input size, yield the same map size. Returns the output size.
    /// </summary>
    private static long? CheckWindows(OnnxGraph graph, NodeProto node, long? size)
    {
        var kernel = OnnxGraph.Ints(node, "kernel_shape");
        if (kernel.Length == 0)
            kernel = graph.Shape(node.Input[1]).Skip(2).ToArray();
        var pads = OnnxGraph.Ints(node, "pads", 0, 0, 0, 0);
        var stride = OnnxGraph.Ints(node, "strides", 1, 1);
        var autoPad = OnnxGraph.Text(node, "auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or ""))
            throw OnnxImporter.Unmapped(graph, $"{node.OpType} {node.Name}", $"auto_pad {autoPad}; only explicit pads are mapped");
        if (kernel.Length != 2 || kernel[0] != kernel[1] || stride[0] != stride[1] || pads[0] != pads[1] || pads[2] != pads[3])
            throw OnnxImporter.Unmapped(graph, $"{node.OpType} {node.Name}", "kernels, strides and pads must be square");
        var torchPad = kernel[0] / 2;
        if (pads[0] != torchPad)
            throw OnnxImporter.Unmapped(graph, $"{node.OpType} {node.Name}", $"windows start at -{pads[0]}, torchvision's at -{torchPad}");
        if (size is not { } n)
            return null;
        var onnx = (n + pads[0] + pads[2] - kernel[0]) / stride[0] + 1;
        var torch = (n + 2 * torchPad - kernel[0]) / stride[0] + 1;
        if (onnx != torch)
            throw OnnxImporter.Unmapped(graph, $"{node.OpType} {node.Name}", $"pads {string.Join(",", pads)} give a {onnx}-pixel map where torchvision's give {torch}");
        return onnx;
    }

    private static NodeProto Single(OnnxGraph graph, string value, string op, string after) =>
        graph.Consumers(value).Where(n => n.OpType == op).ToList() is [var node]
            ? node
            : throw OnnxImporter.Unmapped(graph, after, $"expected one {op} to follow");

    private static NodeProto Next(OnnxGraph graph, string value, string op, string after) =>
        graph.Consumers(value) is [var node] && node.OpType == op
            ? node
            : throw OnnxImporter.Unmapped(graph, after, $"expected {op} to follow, found {string.Join(", ", graph.Consumers(value).Select(n => n.OpType).DefaultIfEmpty("nothing"))}");
}
