using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Generation;

/// <summary>
/// Masked self-attention, attention to the encoder memory and feed-forward (<c>sublayer.0..2</c>). The sublayers' norms
/// come from <paramref name="norm"/>: plain for XProNet, memory-conditioned for R2Gen.
/// </summary>
public sealed class TransformerDecoderLayer : nn.Module
{
    private readonly MultiHeadedAttention self_attn;
    private readonly MultiHeadedAttention src_attn;
    private readonly PositionwiseFeedForward feed_forward;
    private readonly ModuleList<SublayerConnection> sublayer;

    public TransformerDecoderLayer(ReportModelConfig config, Func<SequenceNorm> norm) : base(nameof(TransformerDecoderLayer))
    {
        self_attn = new MultiHeadedAttention(config.NumHeads, config.DModel, config.Dropout);
        src_attn = new MultiHeadedAttention(config.NumHeads, config.DModel, config.Dropout);
        feed_forward = new PositionwiseFeedForward(config.DModel, config.DFf, config.Dropout);
        sublayer = new ModuleList<SublayerConnection>(
            Enumerable.Range(0, 3).Select(_ => new SublayerConnection(norm(), config.Dropout)).ToArray());
        RegisterComponents();
    }

    public Tensor forward(Tensor x, Tensor memory, Tensor? sourceMask, Tensor targetMask, Tensor? condition)
    {
        using var scope = NewDisposeScope();
        x = sublayer[0].forward(x, h => self_attn.forward(h, h, h, targetMask), condition);
        x = sublayer[1].forward(x, h => src_attn.forward(h, memory, memory, sourceMask), condition);
        return sublayer[2].forward(x, feed_forward.forward, condition).MoveToOuterDisposeScope();
    }
}
