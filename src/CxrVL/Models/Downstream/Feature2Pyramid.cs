using CxrVL.Models.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models.Downstream;

/// <summary>
/// MMSeg's Feature2Pyramid neck for plain ViTs: four block maps at 1/16 rescaled x4 (two transposed convolutions with
/// BN + GELU between), x2 (one transposed convolution), x1 and x0.5 (max pooling), giving strides 4, 8, 16, 32.
/// </summary>
public sealed class Feature2Pyramid : nn.Module<IReadOnlyList<Tensor>, IReadOnlyList<Tensor>>
{
    private readonly Sequential fpn1;
    private readonly AutocastConvTranspose2d fpn2;
    private readonly MaxPool2d fpn4;

    public Feature2Pyramid(int dim) : base(nameof(Feature2Pyramid))
    {
        fpn1 = nn.Sequential(
            ("0", new AutocastConvTranspose2d(dim, dim, 2, stride: 2)),
            ("1", BatchNormalization.TwoDimensional(dim)),
            ("2", nn.GELU()),
            ("3", new AutocastConvTranspose2d(dim, dim, 2, stride: 2)));
        fpn2 = new AutocastConvTranspose2d(dim, dim, 2, stride: 2);
        fpn4 = nn.MaxPool2d(2, stride: 2);
        RegisterComponents();
    }

    public override IReadOnlyList<Tensor> forward(IReadOnlyList<Tensor> maps)
    {
        if (maps.Count != 4)
            throw new CxrVLException($"Feature2Pyramid takes four ViT block maps; got {maps.Count}.");
        using var scope = NewDisposeScope();
        Tensor[] outputs = [fpn1.forward(maps[0]), fpn2.forward(maps[1]), maps[2].alias(), fpn4.forward(maps[3])];
        foreach (var output in outputs)
            output.MoveToOuterDisposeScope();
        return outputs;
    }
}
