using CxrVL.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// torchvision's residual blocks with their parameter names: <c>BasicBlock</c> (two 3x3 convs) or
/// <c>Bottleneck</c> (1x1, 3x3 with the stride, 1x1 widening by 4), and <c>downsample.0/1</c> when the shape changes.
/// </summary>
internal sealed class ResNetBlock : nn.Module<Tensor, Tensor>
{
    private readonly AutocastConv2d conv1;
    private readonly BatchNormalization bn1;
    private readonly AutocastConv2d conv2;
    private readonly BatchNormalization bn2;
    private readonly AutocastConv2d? conv3;
    private readonly BatchNormalization? bn3;
    private readonly Sequential? downsample;
    private bool _fused;

    public ResNetBlock(ResNetConfig config, long inChannels, long width, long stride) : base(nameof(ResNetBlock))
    {
        var outChannels = width * config.Expansion;
        BatchNormalization Norm(long channels) => BatchNormalization.TwoDimensional(channels, config.BatchNormEps, config.BatchNormMomentum);
        if (config.Bottleneck)
        {
            conv1 = new AutocastConv2d(inChannels, width, 1, bias: false);
            bn1 = Norm(width);
            conv2 = new AutocastConv2d(width, width, 3, stride: stride, padding: 1, bias: false);
            bn2 = Norm(width);
            conv3 = new AutocastConv2d(width, outChannels, 1, bias: false);
            bn3 = Norm(outChannels);
            // torchvision's zero_init_residual is off by default: the last BN keeps weight 1.
        }
        else
        {
            conv1 = new AutocastConv2d(inChannels, width, 3, stride: stride, padding: 1, bias: false);
            bn1 = Norm(width);
            conv2 = new AutocastConv2d(width, width, 3, padding: 1, bias: false);
            bn2 = Norm(width);
        }
        if (stride != 1 || inChannels != outChannels)
            downsample = nn.Sequential(new AutocastConv2d(inChannels, outChannels, 1, stride: stride, bias: false), Norm(outChannels));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = Normalize(bn1, conv1.forward(input)).relu_();
        x = Normalize(bn2, conv2.forward(x));
        if (conv3 is not null)
            x = Normalize(bn3!, conv3.forward(x.relu_()));
        var identity = downsample is null ? input
            : _fused ? downsample[0].call(input) : downsample.forward(input);
        return x.add_(identity).relu_().MoveToOuterDisposeScope();
    }

    /// <remarks>call, not forward: hooks run (SyncBatchNorm under data-parallel training).</remarks>
    private Tensor Normalize(BatchNormalization norm, Tensor x) => _fused ? x : norm.call(x);

    /// <summary>Folds every BatchNorm's running statistics and affine parameters into the convolution before it.</summary>
    public void FuseBatchNorm()
    {
        ResNet.Fuse(conv1, bn1);
        ResNet.Fuse(conv2, bn2);
        if (conv3 is not null)
            ResNet.Fuse(conv3, bn3!);
        if (downsample is not null)
            ResNet.Fuse((AutocastConv2d)downsample[0], (BatchNormalization)downsample[1]);
        _fused = true;
    }
}
