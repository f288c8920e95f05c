using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Generation;

/// <summary>Self-attention and feed-forward, each a pre-norm residual sublayer (<c>sublayer.0</c>, <c>sublayer.1</c>).</summary>
public sealed class TransformerEncoderLayer : nn.Module
{
    private readonly MultiHeadedAttention self_attn;
    private readonly PositionwiseFeedForward feed_forward;
    private readonly ModuleList<SublayerConnection> sublayer;

    public TransformerEncoderLayer(ReportModelConfig config) : base(nameof(TransformerEncoderLayer))
    {
        self_attn = new MultiHeadedAttention(config.NumHeads, config.DModel, config.Dropout);
        feed_forward = new PositionwiseFeedForward(config.DModel, config.DFf, config.Dropout);
        sublayer = new ModuleList<SublayerConnection>(
            Enumerable.Range(0, 2).Select(_ => new SublayerConnection(new UnbiasedLayerNorm(config.DModel), config.Dropout)).ToArray());
        RegisterComponents();
    }

    public Tensor forward(Tensor x, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        x = sublayer[0].forward(x, h => self_attn.forward(h, h, h, mask));
        return sublayer[1].forward(x, feed_forward.forward).MoveToOuterDisposeScope();
    }
}
