using CxrVL.Precision;
using CxrVL.Models.Layers;
using CxrVL.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Methods.Prior;

/// <summary>
/// PRIOR's image decoder (<c>image_decoder.</c>): channel dropout on the image features, concatenation with the
/// text-to-image context, then five blocks that upsample (nearest) by two and apply two 3 x 3 conv + BatchNorm + ReLU
/// (<c>blocks.N.conv{1,2}.{0,1}</c>), halving the channels (1536 -> 48 for PRIOR), and a 3 x 3 head to one channel
/// (<c>output_head.0</c>).
/// </summary>
public sealed class ImageDecoder : nn.Module<Tensor, Tensor, Tensor>
{
    private const int Blocks = 5;
    private readonly Dropout2d image_dropout;
    private readonly ModuleList<Sequential> blocks;
    private readonly Sequential output_head;
    private readonly long[] _sizes;

    public ImageDecoder(int inChannels, int outChannels, int mapSize, double dropout) : base(nameof(ImageDecoder))
    {
        image_dropout = nn.Dropout2d(dropout);
        blocks = new ModuleList<Sequential>();
        _sizes = new long[Blocks];
        var channels = inChannels;
        for (var i = 0; i < Blocks; i++)
        {
            var next = channels / 2;
            blocks.Add(nn.Sequential(("conv1", ConvBnRelu(channels, next)), ("conv2", ConvBnRelu(next, next))));
            _sizes[i] = (long)mapSize << (i + 1);
            channels = next;
        }
        output_head = nn.Sequential(("0", new AutocastConv2d(channels, outChannels, 3, padding: 1)));
        RegisterComponents();
    }

    /// <summary>Image map [B, D, h, w] and text context map [B, D, h, w] -> reconstruction [B, out, 32h, 32w].</summary>
    public override Tensor forward(Tensor imageMap, Tensor textMap)
    {
        using var scope = NewDisposeScope();
        var z = cat([image_dropout.forward(imageMap), textMap], 1);
        for (var i = 0; i < Blocks; i++)
            z = blocks[i].forward(nn.functional.interpolate(z, [_sizes[i], _sizes[i]], mode: InterpolationMode.Nearest));
        return output_head.forward(z).MoveToOuterDisposeScope();
    }

    /// <summary>L1 between the reconstruction and the (normalised) input image, resized bilinearly (corners aligned) when the sizes differ.</summary>
    public static Tensor Loss(Tensor reconstruction, Tensor image)
    {
        using var scope = NewDisposeScope();
        if (image.shape[2] != reconstruction.shape[2] || image.shape[3] != reconstruction.shape[3])
            image = nn.functional.interpolate(image, [reconstruction.shape[2], reconstruction.shape[3]], mode: InterpolationMode.Bilinear, align_corners: true);
        return nn.functional.l1_loss(Autocast.Float32(reconstruction), image).MoveToOuterDisposeScope();
    }

    private static Sequential ConvBnRelu(long input, long output) => nn.Sequential(
        ("0", new AutocastConv2d(input, output, 3, padding: 1, bias: false)),
        ("1", BatchNormalization.TwoDimensional(output)),
        ("2", nn.ReLU()));
}
