using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Generation;

/// <summary>A pre-norm residual sublayer: <c>x + dropout(sublayer(norm(x)))</c>.</summary>
public sealed class SublayerConnection : nn.Module
{
    private readonly SequenceNorm norm;
    private readonly Dropout dropout;

    public SublayerConnection(SequenceNorm norm, double dropoutRate) : base(nameof(SublayerConnection))
    {
        this.norm = norm;
        dropout = nn.Dropout(dropoutRate);
        RegisterComponents();
    }

    public Tensor forward(Tensor x, Func<Tensor, Tensor> sublayer, Tensor? condition = null)
    {
        using var scope = NewDisposeScope();
        return (x + dropout.forward(sublayer(norm.Normalize(x, condition)))).MoveToOuterDisposeScope();
    }
}
