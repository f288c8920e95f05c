using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Generation;

/// <summary>A stack of encoder layers and a final norm (<c>layers.N</c>, <c>norm</c>).</summary>
public sealed class TransformerEncoder : nn.Module
{
    private readonly ModuleList<TransformerEncoderLayer> layers;
    private readonly UnbiasedLayerNorm norm;

    public TransformerEncoder(ReportModelConfig config) : base(nameof(TransformerEncoder))
    {
        layers = new ModuleList<TransformerEncoderLayer>(Enumerable.Range(0, config.NumLayers).Select(_ => new TransformerEncoderLayer(config)).ToArray());
        norm = new UnbiasedLayerNorm(config.DModel);
        RegisterComponents();
    }

    /// <param name="mask">[B, 1, S]: source positions that exist.</param>
    public Tensor forward(Tensor x, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        foreach (var layer in layers)
            x = layer.forward(x, mask);
        return norm.forward(x).MoveToOuterDisposeScope();
    }
}
