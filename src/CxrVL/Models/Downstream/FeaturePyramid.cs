using CxrVL.Models.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models.Downstream;

/// <summary>A feature pyramid network: 1x1 laterals to a common width, top-down nearest upsampling and sum, 3x3 outputs.</summary>
public sealed class FeaturePyramid : nn.Module<IReadOnlyList<Tensor>, IReadOnlyList<Tensor>>
{
    private readonly ModuleList<AutocastConv2d> lateral;
    private readonly ModuleList<AutocastConv2d> output;

    public FeaturePyramid(IReadOnlyList<int> inputChannels, int channels) : base(nameof(FeaturePyramid))
    {
        lateral = nn.ModuleList(inputChannels.Select(c => new AutocastConv2d(c, channels, 1)).ToArray());
        output = nn.ModuleList(inputChannels.Select(_ => new AutocastConv2d(channels, channels, 3, padding: 1)).ToArray());
        RegisterComponents();
    }

    public override IReadOnlyList<Tensor> forward(IReadOnlyList<Tensor> maps)
    {
        using var scope = NewDisposeScope();
        var levels = maps.Select((m, i) => lateral[i].forward(m)).ToList();
        for (var i = levels.Count - 1; i > 0; i--)
            levels[i - 1] = levels[i - 1] + nn.functional.interpolate(levels[i], size: [levels[i - 1].shape[2], levels[i - 1].shape[3]],
                mode: InterpolationMode.Nearest);
        return levels.Select((l, i) => output[i].forward(l).MoveToOuterDisposeScope()).ToList();
    }
}
