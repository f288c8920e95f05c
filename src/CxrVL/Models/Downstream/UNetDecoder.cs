using CxrVL.Models.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models.Downstream;

/// <summary>
/// The U-Net decoder of segmentation-models-pytorch over a ResNet's maps (stem at 1/2, layer1..layer4 at 1/4..1/32):
/// five blocks that each upsample x2 (nearest), concatenate the skip of that resolution (none for the last) and run two
/// 3x3 conv-BN-ReLU; a 3x3 convolution gives the class logits at the input resolution.
/// </summary>
public sealed class UNetDecoder : nn.Module<IReadOnlyList<Tensor>, Tensor>
{
    private readonly ModuleList<Sequential> blocks;
    private readonly AutocastConv2d segmentation_head;

    /// <param name="encoderChannels">Channels of the stem and layer1..layer4 maps.</param>
    /// <param name="decoderChannels">Output channels of the five blocks, deepest first.</param>
    public UNetDecoder(IReadOnlyList<int> encoderChannels, IReadOnlyList<int> decoderChannels, int classes) : base(nameof(UNetDecoder))
    {
        if (encoderChannels.Count != 5 || decoderChannels.Count != 5)
            throw new CxrVLException("the U-Net decoder takes five encoder maps (stem, layer1..layer4) and five decoder widths.");
        var list = new List<Sequential>();
        var input = encoderChannels[4];
        for (var i = 0; i < 5; i++)
        {
            var skip = i < 4 ? encoderChannels[3 - i] : 0;
            list.Add(nn.Sequential(
                ("conv1", ConvBlocks.ConvBnRelu(input + skip, decoderChannels[i], 3)),
                ("conv2", ConvBlocks.ConvBnRelu(decoderChannels[i], decoderChannels[i], 3))));
            input = decoderChannels[i];
        }
        blocks = nn.ModuleList(list.ToArray());
        segmentation_head = new AutocastConv2d(input, classes, 3, padding: 1);
        RegisterComponents();
    }

    /// <param name="maps">Stem and layer1..layer4 maps, finest first.</param>
    public override Tensor forward(IReadOnlyList<Tensor> maps)
    {
        using var scope = NewDisposeScope();
        var x = maps[4];
        for (var i = 0; i < 5; i++)
        {
            x = nn.functional.interpolate(x, scale_factor: [2, 2], mode: InterpolationMode.Nearest);
            if (i < 4)
            {
                var skip = maps[3 - i];
                if (x.shape[2] != skip.shape[2] || x.shape[3] != skip.shape[3])
                    x = nn.functional.interpolate(x, size: [skip.shape[2], skip.shape[3]], mode: InterpolationMode.Nearest);
                x = cat([x, skip], 1);
            }
            x = blocks[i].forward(x);
        }
        return segmentation_head.forward(x).MoveToOuterDisposeScope();
    }
}
