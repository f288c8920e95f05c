using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// A ViT with timm's parameter names (<c>patch_embed.proj</c>, <c>cls_token</c>, <c>pos_embed</c>,
/// <c>blocks.N.attn.qkv</c>, <c>blocks.N.mlp.fc1</c>, <c>norm</c> or <c>fc_norm</c>, <c>head</c>), so timm and MAE
/// checkpoints load by name (torchvision ones through <see cref="VitKeyMaps.Torchvision"/>). Images of another size
/// than the configured one use a bicubically resampled position table.
/// </summary>
public sealed class VisionTransformer : nn.Module<Tensor, VitFeatures>
{
    private readonly PatchEmbed patch_embed;
    private readonly Parameter cls_token;
    private readonly Parameter pos_embed;
    private readonly Dropout pos_drop;
    private readonly ModuleList<VitBlock> blocks;
    private readonly LayerNorm? norm;
    private readonly LayerNorm? fc_norm;
    private readonly Linear? head;

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
        blocks = nn.ModuleList(Enumerable.Range(0, config.Depth).Select(_ => new VitBlock(config)).ToArray());
        if (config.Pooling == VitPooling.Average)
            fc_norm = nn.LayerNorm(dim, config.LayerNormEps);
        else
            norm = nn.LayerNorm(dim, config.LayerNormEps);
        if (config.Classes is { } classes)
            head = nn.Linear(dim, classes);
        RegisterComponents();
        InitializeLikeTimm();
    }

    public VisionTransformerConfig Config { get; }

    public override VitFeatures forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var (patches, table) = Embed(images);
        var tokens = cat([(cls_token + table[.., ..1]).expand(patches.shape[0], -1, -1), patches + table[.., 1..]], 1);
        tokens = Encode(pos_drop.forward(tokens));
        var pooled = fc_norm is null ? tokens[.., 0] : fc_norm.forward(tokens[.., 1..].mean([1]));
        var logits = head?.forward(pooled);
        logits?.MoveToOuterDisposeScope();
        return new VitFeatures(tokens.MoveToOuterDisposeScope(), pooled.MoveToOuterDisposeScope(), logits);
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
        patches = patches + table[.., 1..];
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

        var cls = (cls_token + table[.., ..1]).expand(n, -1, -1);
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

    private Tensor Encode(Tensor tokens)
    {
        foreach (var block in blocks)
            tokens = block.forward(tokens);
        return norm is null ? tokens : norm.forward(tokens);
    }

    /// <summary>timm's initialisation: truncated normal (std 0.02) linears and position table, near-zero class token.</summary>
    private void InitializeLikeTimm()
    {
        using var noGrad = no_grad();
        if (Config.PositionEmbedding == VitPositionEmbedding.Learned)
            nn.init.trunc_normal_(pos_embed, std: 0.02);
        nn.init.normal_(cls_token, std: 1e-6);
        foreach (var module in modules())
        {
            if (module is Linear linear)
            {
                nn.init.trunc_normal_(linear.weight, std: 0.02);
                if (linear.bias is not null)
                    nn.init.zeros_(linear.bias);
            }
        }
    }
}
