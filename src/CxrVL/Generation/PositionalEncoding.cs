using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Generation;

/// <summary>Sinusoidal positions added to a sequence, then dropout; the table is the buffer <c>pe</c> [1, max_len, D].</summary>
public sealed class PositionalEncoding : nn.Module<Tensor, Tensor>
{
    private readonly Tensor pe;
    private readonly Dropout dropout;

    public PositionalEncoding(long dModel, double dropoutRate, long maxLength = 5000) : base(nameof(PositionalEncoding))
    {
        using (var scope = NewDisposeScope())
        {
            var position = arange(maxLength, ScalarType.Float32).unsqueeze(1);
            var frequency = (arange(0, dModel, 2, ScalarType.Float32) * -(Math.Log(10000.0) / dModel)).exp();
            var table = zeros(maxLength, dModel);
            table[.., TensorIndex.Slice(0, null, 2)] = (position * frequency).sin();
            table[.., TensorIndex.Slice(1, null, 2)] = (position * frequency).cos();
            pe = table.unsqueeze(0).MoveToOuterDisposeScope();
        }
        dropout = nn.Dropout(dropoutRate);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return dropout.forward(x + pe[.., ..(int)x.shape[1]]).MoveToOuterDisposeScope();
    }
}
