using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Generation;

/// <summary>
/// The Annotated-Transformer encoder-decoder of R2Gen and XProNet (<c>encoder</c>, <c>decoder</c>, <c>src_embed.0</c>
/// positions, <c>tgt_embed.0.lut</c> + <c>tgt_embed.1</c> positions), all matrices xavier-uniform initialised.
/// </summary>
public sealed class ReportTransformer : nn.Module
{
    private readonly TransformerEncoder encoder;
    private readonly TransformerDecoder decoder;
    private readonly Sequential? src_embed;
    private readonly Sequential tgt_embed;

    /// <param name="sourcePositions">Add positions to the visual features (XProNet does, R2Gen does not).</param>
    public ReportTransformer(ReportModelConfig config, long vocabulary, Func<SequenceNorm>? decoderNorm = null, bool sourcePositions = true)
        : base(nameof(ReportTransformer))
    {
        encoder = new TransformerEncoder(config);
        decoder = new TransformerDecoder(config, decoderNorm ?? (() => new UnbiasedLayerNorm(config.DModel)));
        src_embed = sourcePositions ? nn.Sequential(("0", new PositionalEncoding(config.DModel, config.Dropout))) : null;
        tgt_embed = nn.Sequential(("0", new WordEmbeddings(vocabulary, config.DModel)), ("1", new PositionalEncoding(config.DModel, config.Dropout)));
        RegisterComponents();
        using var noGrad = no_grad();
        foreach (var parameter in parameters().Where(p => p.dim() > 1))
            nn.init.xavier_uniform_(parameter);
    }

    /// <param name="features">[B, S, D] projected visual features.</param>
    /// <param name="mask">[B, 1, S].</param>
    public Tensor Encode(Tensor features, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        return encoder.forward(src_embed?.forward(features) ?? features, mask).MoveToOuterDisposeScope();
    }

    /// <summary>Token ids [B, T] to embeddings with positions [B, T, D].</summary>
    public Tensor EmbedTargets(Tensor ids) => tgt_embed.forward(ids);

    public Tensor Decode(Tensor embedded, Tensor memory, Tensor? sourceMask, Tensor targetMask, Tensor? condition = null) =>
        decoder.forward(embedded, memory, sourceMask, targetMask, condition);

    /// <summary>
    /// The decoder's self-attention mask [B, T, T]: position t sees positions up to t that are not padding (id 0 after
    /// the first position, which is the begin token 0).
    /// </summary>
    public static Tensor TargetMask(Tensor ids)
    {
        using var scope = NewDisposeScope();
        var length = ids.shape[1];
        var keep = ids.gt(0);
        keep[.., 0] = true;
        var causal = ones(length, length, ScalarType.Bool, device: ids.device).tril();
        return (keep.unsqueeze(1) & causal.unsqueeze(0)).MoveToOuterDisposeScope();
    }
}
