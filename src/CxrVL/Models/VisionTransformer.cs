using CxrVL.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// A ViT with timm's parameter names (<c>patch_embed.proj</c>, <c>cls_token</c>, <c>pos_embed</c>,
/// <c>blocks.N.attn.qkv</c>, <c>blocks.N.mlp.fc1</c>, <c>norm</c> or <c>fc_norm</c>, <c>head</c>), so timm and MAE
/// checkpoints load by name (torchvision ones through <see cref="VitKeyMaps.Torchvision"/>, MMSeg BEiT/MRM ones through
/// <see cref="VitKeyMaps.Mmseg"/>); BEiT's options add <c>blocks.N.attn.relative_position_bias_table</c> and
/// <c>blocks.N.gamma_1</c>/<c>gamma_2</c>. Images of another size than the configured one use a bicubically resampled
/// position table (not with relative position bias, whose table is fixed to the configured grid).
/// </summary>
public sealed class VisionTransformer : nn.Module<Tensor, VitFeatures>
{
    private readonly PatchEmbed patch_embed;
    private readonly Parameter cls_token;
    private readonly Parameter pos_embed;
    private readonly Dropout pos_drop;
    private readonly ModuleList<VitBlock> blocks;
    private readonly AutocastLayerNorm? norm;
    private readonly AutocastLayerNorm? fc_norm;
    private readonly AutocastLinear? head;

    public VisionTransformer(VisionTransformerConfig config) : base(nameof(VisionTransformer))
    {
        if (config.ImageSize % config.PatchSize != 0)
            throw new CxrVLException($"ViT: image size {config.ImageSize} is not a multiple of patch size {config.PatchSize}.");
        Config = config;
        var dim = config.EmbedDim;
        patch_embed = new PatchEmbed(config);
        cls_token = new Parameter(zeros(1, 1, dim));
        var patches = config.GridSize * config.GridSize;
        pos_embed = config.PositionEmbedding == VitPositionEmbedding.SinCos
            ? new Parameter(PositionEmbeddings.SinCos2d(dim, config.GridSize, 1), requires_grad: false)
            : new Parameter(zeros(1, patches + 1, dim));
        pos_drop = nn.Dropout(config.DropRate);
        blocks = nn.ModuleList(Enumerable.Range(0, config.Depth)
            .Select(i => new VitBlock(config, config.Depth > 1 ? config.DropPathRate * i / (config.Depth - 1) : config.DropPathRate)).ToArray());
        if (config.Pooling == VitPooling.Average)
            fc_norm = new AutocastLayerNorm(dim, config.LayerNormEps);
        else
            norm = new AutocastLayerNorm(dim, config.LayerNormEps);
        if (config.Classes is { } classes)
            head = new AutocastLinear(dim, classes);
        RegisterComponents();
        InitializeLikeTimm();
    }

    public VisionTransformerConfig Config { get; }

    public override VitFeatures forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var (patches, table) = Embed(images);
        var tokens = cat([LastingScalars.Sum(cls_token, table[.., ..1]).expand(patches.shape[0], -1, -1), LastingScalars.Sum(patches, table[.., 1..])], 1);
        tokens = Encode(pos_drop.forward(tokens));
        return Pool(tokens);
    }

    /// <summary>Class token or normalised patch mean, and the head; results leave the caller's dispose scope.</summary>
    private VitFeatures Pool(Tensor tokens)
    {
        var pooled = fc_norm is null ? tokens[.., 0] : fc_norm.forward(tokens[.., 1..].mean([1]));
        var logits = head?.forward(pooled);
        logits?.MoveToOuterDisposeScope();
        return new VitFeatures(tokens.MoveToOuterDisposeScope(), pooled.MoveToOuterDisposeScope(), logits);
    }

    /// <summary>
    /// A single-view image through the view's expert (MedST: the lateral expert takes every token of a lateral image,
    /// its class token included); <see cref="ImageView.Frontal"/> is <see cref="forward"/>.
    /// </summary>
    public VitFeatures ForwardView(Tensor images, ImageView view)
    {
        if (view == ImageView.Frontal)
            return forward(images);
        using var scope = NewDisposeScope();
        var (patches, table) = Embed(images);
        var tokens = cat([LastingScalars.Sum(cls_token, table[.., ..1]).expand(patches.shape[0], -1, -1), LastingScalars.Sum(patches, table[.., 1..])], 1);
        tokens = Encode(pos_drop.forward(tokens), lateralFrom: 0, keyBias: null);
        return Pool(tokens);
    }

    /// <summary>
    /// MedST's multi-view input: the frontal image's class token and patches, then the lateral image's patches with
    /// the same position table (no second class token), one shared self-attention over all of them, and the FFN
    /// experts by view. A study without a lateral image (<paramref name="hasLateral"/> false) still feeds its (zero)
    /// lateral image, but its lateral keys are masked, so its frontal tokens equal the frontal-only forward pass.
    /// </summary>
    /// <param name="frontal">[N, C, H, W].</param>
    /// <param name="lateral">[N, C, H, W]; zeros where absent.</param>
    /// <param name="hasLateral">[N] bool.</param>
    /// <returns>Tokens [N, 1 + 2P, D]: class token, frontal patches, lateral patches.</returns>
    public VitFeatures ForwardViews(Tensor frontal, Tensor lateral, Tensor hasLateral)
    {
        using var scope = NewDisposeScope();
        var (front, table) = Embed(frontal);
        var (side, _) = Embed(lateral);
        var n = front.shape[0];
        var frontalTokens = front.shape[1] + 1;
        var tokens = cat([LastingScalars.Sum(cls_token, table[.., ..1]).expand(n, -1, -1), LastingScalars.Sum(front, table[.., 1..]), LastingScalars.Sum(side, table[.., 1..])], 1);
        var keep = cat([ones(n, frontalTokens, dtype: ScalarType.Bool, device: frontal.device),
                        hasLateral.to(ScalarType.Bool).unsqueeze(1).expand(n, side.shape[1])], 1);
        var keyBias = zeros(keep.shape, tokens.dtype, tokens.device).masked_fill(keep.logical_not(), double.NegativeInfinity)
            .view(n, 1, 1, -1);
        tokens = Encode(pos_drop.forward(tokens), frontalTokens, keyBias);
        return Pool(tokens);
    }

    /// <summary>
    /// The patch tokens after the given blocks (1-based; UperNet and ViTDet read blocks 4, 6, 8 and 12 of ViT-B) as maps
    /// [N, D, H/patch, W/patch], without the final norm; blocks after the last requested one are not run.
    /// </summary>
    public IReadOnlyList<Tensor> ForwardBlocks(Tensor images, IReadOnlyList<int> blockNumbers)
    {
        if (blockNumbers.Count == 0 || blockNumbers.Any(b => b < 1 || b > Config.Depth) || blockNumbers.Distinct().Count() != blockNumbers.Count)
            throw new CxrVLException($"ViT block numbers must be distinct and lie in 1..{Config.Depth} (got {string.Join(", ", blockNumbers)}).");
        using var scope = NewDisposeScope();
        var (patches, table) = Embed(images);
        var (height, width) = (images.shape[2] / Config.PatchSize, images.shape[3] / Config.PatchSize);
        var tokens = pos_drop.forward(cat([LastingScalars.Sum(cls_token, table[.., ..1]).expand(patches.shape[0], -1, -1), LastingScalars.Sum(patches, table[.., 1..])], 1));
        var maps = new Dictionary<int, Tensor>();
        for (var i = 0; i < blockNumbers.Max(); i++)
        {
            tokens = blocks[i].forward(tokens);
            if (blockNumbers.Contains(i + 1))
                maps[i + 1] = tokens[.., 1..].transpose(1, 2).reshape(tokens.shape[0], tokens.shape[2], height, width);
        }
        return blockNumbers.Select(b => maps[b].MoveToOuterDisposeScope()).ToList();
    }

    /// <summary>
    /// MAE's <c>forward_encoder</c>: keeps a random (1 - <paramref name="maskRatio"/>) share of each image's patches
    /// (per-sample uniform noise, argsort), encodes only those plus the class token, and returns the indices that
    /// undo the shuffle.
    /// </summary>
    public MaskedVitFeatures ForwardMasked(Tensor images, double maskRatio, Generator? generator = null)
    {
        if (maskRatio is < 0 or >= 1)
            throw new CxrVLException($"mask ratio must be in [0, 1) (got {maskRatio}).");
        using var scope = NewDisposeScope();
        var (patches, table) = Embed(images);
        patches = LastingScalars.Sum(patches, table[.., 1..]);
        var (n, length, dim) = (patches.shape[0], patches.shape[1], patches.shape[2]);
        var keep = (long)(length * (1 - maskRatio));

        var noise = rand(n, length, generator: generator, device: images.device);
        var shuffle = noise.argsort(1);
        var restore = shuffle.argsort(1);
        var keepIndices = shuffle[.., ..(int)keep];
        var kept = patches.gather(1, keepIndices.unsqueeze(-1).expand(-1, -1, dim));
        var mask = ones(n, length, device: images.device);
        mask[.., ..(int)keep] = 0;
        mask = mask.gather(1, restore);

        var cls = LastingScalars.Sum(cls_token, table[.., ..1]).expand(n, -1, -1);
        var tokens = Encode(cat([cls, kept], 1));
        return new MaskedVitFeatures(tokens.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope(),
            keepIndices.MoveToOuterDisposeScope(), restore.MoveToOuterDisposeScope());
    }

    private (Tensor Patches, Tensor Table) Embed(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] != Config.InputChannels)
            throw new CxrVLException(
                $"ViT expects images N x {Config.InputChannels} x H x W; got [{string.Join(", ", images.shape)}].");
        var (height, width) = (images.shape[2], images.shape[3]);
        if (height % Config.PatchSize != 0 || width % Config.PatchSize != 0)
            throw new CxrVLException($"ViT: image size {height} x {width} is not a multiple of patch size {Config.PatchSize}.");
        var table = PositionEmbeddings.Resample(pos_embed, 1, (int)(height / Config.PatchSize), (int)(width / Config.PatchSize));
        return (patch_embed.forward(images), table);
    }

    private Tensor Encode(Tensor tokens, long? lateralFrom = null, Tensor? keyBias = null)
    {
        var from = lateralFrom ?? tokens.shape[1];
        foreach (var block in blocks)
            tokens = block.Forward(tokens, from, keyBias);
        return norm is null ? tokens : norm.forward(tokens);
    }

    /// <summary>timm's initialisation: truncated normal (std 0.02) linears and position table, near-zero class token.</summary>
    private void InitializeLikeTimm()
    {
        using var noGrad = no_grad();
        if (Config.PositionEmbedding == VitPositionEmbedding.Learned)
            TruncatedNormal.Fill(pos_embed, std: 0.02);
        nn.init.normal_(cls_token, std: 1e-6);
        foreach (var module in modules())
        {
            if (module is AutocastLinear linear)
            {
                TruncatedNormal.Fill(linear.weight, std: 0.02);
                if (linear.bias is not null)
                    nn.init.zeros_(linear.bias);
            }
        }
    }
}
