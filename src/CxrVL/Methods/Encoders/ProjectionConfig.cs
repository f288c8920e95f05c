using CxrVL.Models.Layers;
using static TorchSharp.torch;

namespace CxrVL.Methods.Encoders;

/// <summary>The global projection heads of a dual encoder (<c>model.projection:</c>).</summary>
public sealed class ProjectionConfig
{
    public ProjectionKind Kind { get; set; } = ProjectionKind.Linear;

    /// <summary>Hidden width of the two-layer heads.</summary>
    public int Hidden { get; set; } = 2048;

    /// <summary>
    /// The head from <paramref name="input"/> features to <paramref name="output"/> dimensions. Parameter names: the linear
    /// head is the module itself (<c>weight</c>), the MLP <c>0.weight</c>, <c>2.weight</c>, the BatchNorm head <c>head.0</c>..<c>head.4</c>.
    /// </summary>
    public nn.Module<Tensor, Tensor> Create(int input, int output) => Kind switch
    {
        ProjectionKind.Linear => new AutocastLinear(input, output, hasBias: false),
        ProjectionKind.Mlp => nn.Sequential(("0", new AutocastLinear(input, Hidden)), ("1", nn.ReLU()), ("2", new AutocastLinear(Hidden, output))),
        ProjectionKind.BatchNorm => new BatchNormProjection(input, Hidden, output),
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
    };
}
