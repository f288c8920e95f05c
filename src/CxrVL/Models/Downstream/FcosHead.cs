using CxrVL.Precision;
using CxrVL.Models.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models.Downstream;

/// <summary>
/// The FCOS head (Tian et al. 2019), shared across pyramid levels: a classification tower and a regression tower of
/// 3x3 conv + GroupNorm + ReLU, class logits (bias initialised to a 1% prior), side distances exp(s_l x) x stride with
/// a learned scale per level, and centre-ness on the regression tower.
/// </summary>
public sealed class FcosHead : nn.Module<(IReadOnlyList<Tensor> Levels, IReadOnlyList<int> Strides), FcosOutput>
{
    private readonly Sequential cls_tower;
    private readonly Sequential bbox_tower;
    private readonly AutocastConv2d cls_logits;
    private readonly AutocastConv2d bbox_pred;
    private readonly AutocastConv2d centerness;
    private readonly Parameter scales;

    public FcosHead(int channels, int classes, int levels, int towerConvs) : base(nameof(FcosHead))
    {
        cls_tower = nn.Sequential(Enumerable.Range(0, towerConvs).Select(i => ($"{i}", (nn.Module<Tensor, Tensor>)ConvBlocks.ConvGnRelu(channels, channels))).ToArray());
        bbox_tower = nn.Sequential(Enumerable.Range(0, towerConvs).Select(i => ($"{i}", (nn.Module<Tensor, Tensor>)ConvBlocks.ConvGnRelu(channels, channels))).ToArray());
        cls_logits = new AutocastConv2d(channels, classes, 3, padding: 1);
        bbox_pred = new AutocastConv2d(channels, 4, 3, padding: 1);
        centerness = new AutocastConv2d(channels, 1, 3, padding: 1);
        scales = nn.Parameter(ones(levels));
        RegisterComponents();
        using var noGrad = no_grad();
        foreach (var conv in modules().OfType<AutocastConv2d>())
        {
            nn.init.normal_(conv.weight, std: 0.01);
            if (conv.bias is not null)
                nn.init.zeros_(conv.bias);
        }
        nn.init.constant_(cls_logits.bias!, -Math.Log((1 - 0.01) / 0.01));
    }

    public override FcosOutput forward((IReadOnlyList<Tensor> Levels, IReadOnlyList<int> Strides) input)
    {
        var (levels, strides) = input;
        using var scope = NewDisposeScope();
        var (classes, distances, centers, points, strideList) = (new List<Tensor>(), new List<Tensor>(), new List<Tensor>(), new List<Tensor>(), new List<Tensor>());
        for (var l = 0; l < levels.Count; l++)
        {
            var x = levels[l];
            var (b, h, w) = (x.shape[0], x.shape[2], x.shape[3]);
            var clsFeatures = cls_tower.forward(x);
            var boxFeatures = bbox_tower.forward(x);
            // The outputs leave in float32 (under autocast the convolutions are 16-bit): the exp and the losses need the range.
            classes.Add(Autocast.Float32(cls_logits.forward(clsFeatures)).permute(0, 2, 3, 1).reshape(b, h * w, -1));
            // exp of a clamped value keeps early training from overflowing.
            var distance = (scales[l] * Autocast.Float32(bbox_pred.forward(boxFeatures))).clamp(max: 12).exp() * strides[l];
            distances.Add(distance.permute(0, 2, 3, 1).reshape(b, h * w, 4));
            centers.Add(Autocast.Float32(centerness.forward(boxFeatures)).reshape(b, h * w));
            var ys = (arange(h, float32, x.device) * strides[l] + strides[l] / 2.0f);
            var xs = (arange(w, float32, x.device) * strides[l] + strides[l] / 2.0f);
            var grid = meshgrid([ys, xs], indexing: "ij");
            points.Add(stack([grid[1].reshape(-1), grid[0].reshape(-1)], 1));
            strideList.Add(full(h * w, (float)strides[l], float32, x.device));
        }
        var output = new FcosOutput(cat(classes, 1), cat(distances, 1), cat(centers, 1), cat(points, 0), cat(strideList, 0));
        foreach (var tensor in new[] { output.ClassLogits, output.Distances, output.Centerness, output.Points, output.Strides })
            tensor.MoveToOuterDisposeScope();
        return output;
    }
}
