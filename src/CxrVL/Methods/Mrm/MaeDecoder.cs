using CxrVL.Models.Layers;
using CxrVL.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Methods.Mrm;

/// <summary>
/// MAE's decoder (MRM's image branch): a projection of the visible tokens, mask tokens for the removed patches, fixed
/// sin-cos positions, ViT blocks, a norm and a per-patch prediction. Its parameters keep MAE's top-level names
/// (<c>decoder_embed</c>, <c>mask_token</c>, ...) in the module that uses it: MRM holds the parts in fields of those names
/// (their declaration order is MRM's state-dict order), other owners call <see cref="RegisterIn"/>.
/// </summary>
internal sealed record MaeDecoder(AutocastLinear Embed, Parameter MaskToken, Parameter PositionEmbedding, ModuleList<VitBlock> Blocks, AutocastLayerNorm Norm, AutocastLinear Prediction)
{
    /// <summary>The parts, created in MAE's order (what a seeded initialisation draws depends on it); the mask token starts at zero.</summary>
    /// <param name="outputsPerPatch">Values predicted per encoder patch (pixels of the target patch times channels).</param>
    public static MaeDecoder Create(VisionTransformerConfig encoder, VisionTransformerConfig decoder, long outputsPerPatch) => new(
        new AutocastLinear(encoder.EmbedDim, decoder.EmbedDim),
        new Parameter(zeros(1, 1, decoder.EmbedDim)),
        new Parameter(PositionEmbeddings.SinCos2d(decoder.EmbedDim, encoder.GridSize, 1), requires_grad: false),
        nn.ModuleList(Enumerable.Range(0, decoder.Depth).Select(_ => new VitBlock(decoder)).ToArray()),
        new AutocastLayerNorm(decoder.EmbedDim, decoder.LayerNormEps),
        new AutocastLinear(decoder.EmbedDim, outputsPerPatch));

    /// <summary>Registers the parts in <paramref name="owner"/> under MAE's names, after the owner's own components.</summary>
    public void RegisterIn(nn.Module owner)
    {
        owner.register_module("decoder_embed", Embed);
        owner.register_parameter("mask_token", MaskToken);
        owner.register_parameter("decoder_pos_embed", PositionEmbedding);
        owner.register_module("decoder_blocks", Blocks);
        owner.register_module("decoder_norm", Norm);
        owner.register_module("decoder_pred", Prediction);
    }

    /// <summary>MAE's <c>forward_decoder</c>: mask tokens fill the removed places, the shuffle is undone, patches are predicted.</summary>
    /// <param name="latent">The encoder's tokens of the visible patches, [CLS] first.</param>
    /// <param name="restore">Each position's index in the shuffled order (<c>ids_restore</c>).</param>
    /// <param name="maskToken">The owner's <c>mask_token</c> as it is now.</param>
    /// <param name="positionEmbedding">The owner's <c>decoder_pos_embed</c> as it is now.</param>
    /// <remarks>
    /// The two parameters come from the owner because moving a module to another device or dtype replaces (and disposes)
    /// its own parameters; the sub-modules are converted in place, so the ones held here stay current.
    /// </remarks>
    public Tensor Decode(Tensor latent, Tensor restore, Tensor maskToken, Tensor positionEmbedding)
    {
        using var scope = NewDisposeScope();
        var x = Embed.forward(latent);
        var (n, dim) = (x.shape[0], x.shape[2]);
        var removed = maskToken.expand(n, restore.shape[1] + 1 - x.shape[1], dim);
        var patches = cat([x[.., 1..], removed], 1).gather(1, restore.unsqueeze(-1).expand(-1, -1, dim));
        x = cat([x[.., ..1], patches], 1) + positionEmbedding;
        foreach (var block in Blocks)
            x = block.forward(x);
        return Prediction.forward(Norm.forward(x))[.., 1..].MoveToOuterDisposeScope();
    }
}
