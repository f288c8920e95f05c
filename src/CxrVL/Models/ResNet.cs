using CxrVL.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// ResNet-18/50/101 with torchvision's parameter names (<c>conv1</c>, <c>bn1</c>, <c>layer1.0.conv1</c>, ...,
/// <c>fc</c>), so torchvision and PRIOR checkpoints load by name; optional CLIP attention pooling as <c>attnpool</c>.
/// </summary>
public sealed class ResNet : nn.Module<Tensor, ResNetFeatures>
{
    private readonly AutocastConv2d conv1;
    private readonly BatchNormalization bn1;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly AttentionPool2d? attnpool;
    private readonly AutocastLinear? fc;
    private bool _fused;
    private bool _channelsLast;

    public ResNet(ResNetConfig config) : base(nameof(ResNet))
    {
        Config = config;
        if (config.BlocksPerStage.Count != 4)
            throw new CxrVLException($"a ResNet has 4 stages; the config lists {config.BlocksPerStage.Count}.");
        var width = config.BaseWidth;
        conv1 = new AutocastConv2d(config.InputChannels, width, 7, stride: 2, padding: 3, bias: false);
        bn1 = BatchNormalization.TwoDimensional(width, config.BatchNormEps, config.BatchNormMomentum);
        maxpool = nn.MaxPool2d(3, stride: 2, padding: 1);

        long channels = width;
        var stages = new Sequential[4];
        for (var stage = 0; stage < 4; stage++)
        {
            var stageWidth = width << stage;
            var blocks = new List<(string, nn.Module<Tensor, Tensor>)>();
            for (var i = 0; i < config.BlocksPerStage[stage]; i++)
            {
                var stride = stage > 0 && i == 0 ? 2 : 1;
                blocks.Add((i.ToString(System.Globalization.CultureInfo.InvariantCulture), new ResNetBlock(config, channels, stageWidth, stride)));
                channels = stageWidth * config.Expansion;
            }
            stages[stage] = nn.Sequential(blocks);
        }
        (layer1, layer2, layer3, layer4) = (stages[0], stages[1], stages[2], stages[3]);

        if (config.AttentionPool is { } pool)
            attnpool = new AttentionPool2d(config.FeatureChannels, pool);
        if (config.Classes is { } classes)
            fc = new AutocastLinear(attnpool?.OutputDim ?? config.FeatureChannels, classes);
        RegisterComponents();
        InitializeLikeTorchvision();
    }

    public ResNetConfig Config { get; }

    /// <summary>Whether activations and convolution weights are channels-last (<see cref="ToChannelsLast"/>).</summary>
    public bool IsChannelsLast => _channelsLast;

    /// <summary>Width of <see cref="ResNetFeatures.Pooled"/>.</summary>
    public int PooledDim => attnpool?.OutputDim ?? Config.FeatureChannels;

    public override ResNetFeatures forward(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] != Config.InputChannels)
            throw new CxrVLException(
                $"ResNet expects images N x {Config.InputChannels} x H x W; got [{string.Join(", ", images.shape)}].");
        if (_fused && training)
            throw new InvalidOperationException("this ResNet's BatchNorms were fused for inference; it cannot train.");
        using var scope = NewDisposeScope();
        if (_channelsLast && !ChannelsLast.Is(images))
            images = images.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        var stem = conv1.forward(images);
        // call, not forward: hooks run (SyncBatchNorm under data-parallel training).
        stem = (_fused ? stem : bn1.call(stem)).relu_();
        var x1 = layer1.forward(maxpool.forward(stem));
        var x2 = layer2.forward(x1);
        var x3 = layer3.forward(x2);
        var x4 = layer4.forward(x3);
        var pooled = attnpool is null ? x4.mean([2, 3]) : attnpool.forward(x4);
        var logits = fc?.forward(pooled);
        var result = new ResNetFeatures(pooled, logits, [stem, x1, x2, x3, x4]);
        pooled.MoveToOuterDisposeScope();
        logits?.MoveToOuterDisposeScope();
        foreach (var map in result.Maps)
            map.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>
    /// Inference only: folds each BatchNorm (running statistics and affine parameters) into the convolution before
    /// it, so a forward pass runs convolutions with bias and no normalisation. Sets eval mode; the BatchNorm
    /// parameters stay in the state dict but are no longer used, and training afterwards is refused.
    /// </summary>
    public void FuseBatchNormForInference()
    {
        if (_fused)
            return;
        eval();
        Fuse(conv1, bn1);
        foreach (var stage in new[] { layer1, layer2, layer3, layer4 })
            foreach (var block in stage.children().Cast<ResNetBlock>())
                block.FuseBatchNorm();
        _fused = true;
    }

    /// <summary>
    /// Gives every convolution weight NHWC strides, and <see cref="forward"/> converts NCHW images to NHWC strides
    /// (differentiably), so every activation map is channels-last. On CPUs this made ResNet-50 markedly faster
    /// (bench/RESULTS.md). Works for training and inference; the state dict keeps its names and shapes.
    /// </summary>
    public void ToChannelsLast()
    {
        using var noGrad = no_grad();
        foreach (var conv in modules().OfType<AutocastConv2d>())
            conv.weight = new Parameter(ChannelsLast.Convert(conv.weight), conv.weight.requires_grad);
        _channelsLast = true;
    }

    internal static void Fuse(AutocastConv2d conv, BatchNormalization norm)
    {
        using var noGrad = no_grad();
        var (weight, bias) = nn.utils.fuse_conv_bn_weights(conv.weight, conv.bias, norm.running_mean!, norm.running_var!,
            norm.eps, norm.weight, norm.bias);
        conv.weight = weight;
        conv.bias = bias;
    }

    /// <summary>torchvision's initialisation: Kaiming-normal (fan-out, ReLU) convolutions, BatchNorm weight 1 and bias 0.</summary>
    private void InitializeLikeTorchvision()
    {
        using var noGrad = no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case AutocastConv2d conv:
                    nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                    break;
                case BatchNormalization norm:
                    nn.init.ones_(norm.weight);
                    nn.init.zeros_(norm.bias);
                    break;
            }
        }
    }
}
