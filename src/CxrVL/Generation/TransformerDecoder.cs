using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Generation;

/// <summary>A stack of decoder layers and a final plain norm (<c>layers.N</c>, <c>norm</c>).</summary>
public sealed class TransformerDecoder : nn.Module
{
    private readonly ModuleList<TransformerDecoderLayer> layers;
    private readonly UnbiasedLayerNorm norm;

    public TransformerDecoder(ReportModelConfig config, Func<SequenceNorm> sublayerNorm) : base(nameof(TransformerDecoder))
    {
        layers = new ModuleList<TransformerDecoderLayer>(
            Enumerable.Range(0, config.NumLayers).Select(_ => new TransformerDecoderLayer(config, sublayerNorm)).ToArray());
        norm = new UnbiasedLayerNorm(config.DModel);
        RegisterComponents();
    }

    public Tensor forward(Tensor x, Tensor memory, Tensor? sourceMask, Tensor targetMask, Tensor? condition = null)
    {
        using var scope = NewDisposeScope();
        foreach (var layer in layers)
            x = layer.forward(x, memory, sourceMask, targetMask, condition);
        return norm.forward(x).MoveToOuterDisposeScope();
    }
}
