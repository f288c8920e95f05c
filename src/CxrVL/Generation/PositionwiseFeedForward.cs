using CxrVL.Models.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Generation;

/// <summary>The transformer's feed-forward sublayer: <c>w_2(dropout(relu(w_1(x))))</c>.</summary>
public sealed class PositionwiseFeedForward : nn.Module<Tensor, Tensor>
{
    private readonly AutocastLinear w_1;
    private readonly AutocastLinear w_2;
    private readonly Dropout dropout;

    public PositionwiseFeedForward(long dModel, long dFf, double dropoutRate) : base(nameof(PositionwiseFeedForward))
    {
        w_1 = new AutocastLinear(dModel, dFf);
        w_2 = new AutocastLinear(dFf, dModel);
        dropout = nn.Dropout(dropoutRate);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return w_2.forward(dropout.forward(w_1.forward(x).relu())).MoveToOuterDisposeScope();
    }
}
