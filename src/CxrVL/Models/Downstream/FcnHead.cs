using CxrVL.Models.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models.Downstream;

/// <summary>
/// MMSeg's FCNHead as an auxiliary head: <c>convs</c> of 3x3 conv + BN + ReLU (the first from the input width), no
/// concatenation with the input, then dropout and the 1x1 class logits <c>conv_seg</c>, at the input map's resolution.
/// </summary>
public sealed class FcnHead : nn.Module<Tensor, Tensor>
{
    private readonly Sequential convs;
    private readonly Dropout2d dropout;
    private readonly AutocastConv2d conv_seg;

    public FcnHead(int inputChannels, int channels, int classes, int convolutions = 1, double dropout = 0.1) : base(nameof(FcnHead))
    {
        if (convolutions < 1)
            throw new CxrVLException($"an FCN head needs at least one convolution (got {convolutions}).");
        convs = nn.Sequential(Enumerable.Range(0, convolutions)
            .Select(i => ($"{i}", (nn.Module<Tensor, Tensor>)ConvBlocks.ConvBnRelu(i == 0 ? inputChannels : channels, channels, 3))).ToArray());
        this.dropout = nn.Dropout2d(dropout);
        conv_seg = new AutocastConv2d(channels, classes, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor map)
    {
        using var scope = NewDisposeScope();
        return conv_seg.forward(dropout.forward(convs.forward(map))).MoveToOuterDisposeScope();
    }
}
