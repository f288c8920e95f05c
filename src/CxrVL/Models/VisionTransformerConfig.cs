namespace CxrVL.Models;

/// <summary>How a <see cref="VisionTransformer"/> turns its token sequence into one feature.</summary>
public enum VitPooling
{
    /// <summary>The class token after the final <c>norm</c> (timm <c>global_pool='token'</c>).</summary>
    ClassToken,

    /// <summary>Mean of the patch tokens, then <c>fc_norm</c>; the model has no <c>norm</c> (timm/MAE <c>global_pool='avg'</c>).</summary>
    Average,
}

/// <summary>Position embedding of a <see cref="VisionTransformer"/>.</summary>
public enum VitPositionEmbedding
{
    /// <summary>A trained table (timm, torchvision).</summary>
    Learned,

    /// <summary>MAE's fixed 2-D sin-cos table, kept as a parameter that is not trained.</summary>
    SinCos,
}

/// <summary>Shape of a timm-style ViT (patch embedding, pre-norm transformer blocks, class token).</summary>
public sealed record VisionTransformerConfig
{
    public int ImageSize { get; init; } = 224;

    public int PatchSize { get; init; } = 16;

    public int InputChannels { get; init; } = 3;

    public required int EmbedDim { get; init; }

    public required int Depth { get; init; }

    public required int Heads { get; init; }

    public double MlpRatio { get; init; } = 4.0;

    public bool QkvBias { get; init; } = true;

    public double LayerNormEps { get; init; } = 1e-6;

    public double DropRate { get; init; }

    /// <summary>Stochastic depth: block i of N drops its residual branches with probability rate * i / (N - 1) in training (timm's drop_path_rate).</summary>
    public double DropPathRate { get; init; }

    public VitPositionEmbedding PositionEmbedding { get; init; } = VitPositionEmbedding.Learned;

    public VitPooling Pooling { get; init; } = VitPooling.ClassToken;

    /// <summary>Classes of <c>head</c>; null leaves the head out (timm <c>num_classes=0</c>).</summary>
    public int? Classes { get; init; }

    /// <summary>
    /// MedST's mixture of view experts: every block gets a second FFN <c>mlp_l</c> and norm <c>norm2_l</c> for the
    /// tokens of lateral images (<see cref="VisionTransformer.ForwardViews"/>, <see cref="VisionTransformer.ForwardView"/>).
    /// </summary>
    public bool LateralExperts { get; init; }

    /// <summary>
    /// BEiT's relative position bias: every block's attention adds a learned bias per head, read from a table of
    /// (2·grid - 1)² + 3 rows (patch-to-patch offsets, then class-to-patch, patch-to-class and class-to-class) through
    /// BEiT's <c>relative_position_index</c>. The table starts at zero (MAE and MRM's segmentation backbone), and the
    /// images must have the configured size.
    /// </summary>
    public bool RelativePositionBias { get; init; }

    /// <summary>BEiT's layer scale: the per-channel factors <c>gamma_1</c> and <c>gamma_2</c> on each block's two branches start at this value (MRM's SIIM backbone: 1.0); null: no layer scale.</summary>
    public double? LayerScaleInit { get; init; }

    public int GridSize => ImageSize / PatchSize;

    public int MlpHiddenDim => (int)(EmbedDim * MlpRatio);

    public static VisionTransformerConfig Tiny16(int? classes = null) =>
        new() { EmbedDim = 192, Depth = 12, Heads = 3, Classes = classes };

    public static VisionTransformerConfig Small16(int? classes = null) =>
        new() { EmbedDim = 384, Depth = 12, Heads = 6, Classes = classes };

    public static VisionTransformerConfig Base16(int? classes = null) =>
        new() { EmbedDim = 768, Depth = 12, Heads = 12, Classes = classes };

    /// <summary>The named architectures: vit_t16, vit_s16, vit_b16 (timm's tiny, small and base with 16-pixel patches).</summary>
    public static VisionTransformerConfig Named(string name, int? classes = null) => name.ToLowerInvariant() switch
    {
        "vit_t16" => Tiny16(classes),
        "vit_s16" => Small16(classes),
        "vit_b16" => Base16(classes),
        _ => throw new CxrVLException($"unknown ViT '{name}': use vit_t16, vit_s16 or vit_b16."),
    };
}
