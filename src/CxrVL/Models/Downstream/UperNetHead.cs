using CxrVL.Models.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models.Downstream;

/// <summary>
/// MMSeg's UPerHead: a pyramid pooling module (scales 1, 2, 3, 6) on the coarsest map, a top-down feature pyramid with
/// 1x1 laterals and 3x3 outputs, all levels upsampled to the finest and fused by a 3x3 conv, then 1x1 class logits
/// (at the finest level's resolution).
/// </summary>
public sealed class UperNetHead : nn.Module<IReadOnlyList<Tensor>, Tensor>
{
    private static readonly int[] PoolScales = [1, 2, 3, 6];
    private readonly ModuleList<Sequential> psp_modules;
    private readonly Sequential bottleneck;
    private readonly ModuleList<Sequential> lateral_convs;
    private readonly ModuleList<Sequential> fpn_convs;
    private readonly Sequential fpn_bottleneck;
    private readonly Dropout2d dropout;
    private readonly AutocastConv2d conv_seg;

    public UperNetHead(IReadOnlyList<int> inputChannels, int channels, int classes, double dropout = 0.1) : base(nameof(UperNetHead))
    {
        var last = inputChannels[^1];
        psp_modules = nn.ModuleList(PoolScales.Select(_ => ConvBlocks.ConvBnRelu(last, channels, 1)).ToArray());
        bottleneck = ConvBlocks.ConvBnRelu(last + PoolScales.Length * channels, channels, 3);
        lateral_convs = nn.ModuleList(inputChannels.SkipLast(1).Select(c => ConvBlocks.ConvBnRelu(c, channels, 1)).ToArray());
        fpn_convs = nn.ModuleList(inputChannels.SkipLast(1).Select(_ => ConvBlocks.ConvBnRelu(channels, channels, 3)).ToArray());
        fpn_bottleneck = ConvBlocks.ConvBnRelu(inputChannels.Count * channels, channels, 3);
        this.dropout = nn.Dropout2d(dropout);
        conv_seg = new AutocastConv2d(channels, classes, 1);
        RegisterComponents();
    }

    public override Tensor forward(IReadOnlyList<Tensor> maps)
    {
        using var scope = NewDisposeScope();
        var last = maps[^1];
        long[] lastSize = [last.shape[2], last.shape[3]];
        var pooled = new List<Tensor> { last };
        for (var i = 0; i < PoolScales.Length; i++)
        {
            var branch = psp_modules[i].forward(nn.functional.adaptive_avg_pool2d(last, [PoolScales[i], PoolScales[i]]));
            pooled.Add(nn.functional.interpolate(branch, size: lastSize, mode: InterpolationMode.Bilinear, align_corners: false));
        }
        var levels = new List<Tensor>();
        for (var i = 0; i < maps.Count - 1; i++)
            levels.Add(lateral_convs[i].forward(maps[i]));
        levels.Add(bottleneck.forward(cat(pooled, 1)));
        for (var i = levels.Count - 1; i > 0; i--)
            levels[i - 1] = levels[i - 1] + nn.functional.interpolate(levels[i], size: [levels[i - 1].shape[2], levels[i - 1].shape[3]],
                mode: InterpolationMode.Bilinear, align_corners: false);
        long[] size = [levels[0].shape[2], levels[0].shape[3]];
        var outputs = new List<Tensor>();
        for (var i = 0; i < levels.Count; i++)
        {
            var level = i < levels.Count - 1 ? fpn_convs[i].forward(levels[i]) : levels[i];
            outputs.Add(i == 0 ? level : nn.functional.interpolate(level, size: size, mode: InterpolationMode.Bilinear, align_corners: false));
        }
        var fused = fpn_bottleneck.forward(cat(outputs, 1));
        return conv_seg.forward(dropout.forward(fused)).MoveToOuterDisposeScope();
    }
}
