using CxrVL.Weights;

namespace CxrVL.Models;

/// <summary>Key maps from other ViT implementations' state dicts to <see cref="VisionTransformer"/>'s timm names.</summary>
public static class VitKeyMaps
{
    /// <summary>
    /// torchvision's <c>VisionTransformer</c> (<c>vit_b_16</c>, ...) to timm names, for any depth:
    /// <c>conv_proj</c> -> <c>patch_embed.proj</c>, <c>class_token</c> -> <c>cls_token</c>,
    /// <c>encoder.pos_embedding</c> -> <c>pos_embed</c>,
    /// <c>encoder.layers.encoder_layer_N.{ln_1, self_attention.in_proj_, self_attention.out_proj, ln_2, mlp.0, mlp.3}</c>
    /// -> <c>blocks.N.{norm1, attn.qkv., attn.proj, norm2, mlp.fc1, mlp.fc2}</c>, <c>encoder.ln</c> -> <c>norm</c>,
    /// <c>heads.head</c> -> <c>head</c>. torchvision's fused <c>in_proj</c> stacks q, k, v in timm's order, so the
    /// tensors need no change.
    /// </summary>
    public static KeyMap Torchvision { get; } = KeyMap.Identity
        .RenamePrefix("conv_proj.", "patch_embed.proj.")
        .RenamePrefix("class_token", "cls_token")
        .RenamePrefix("encoder.pos_embedding", "pos_embed")
        .RenamePrefix("encoder.ln.", "norm.")
        .RenamePrefix("heads.head.", "head.")
        .Replace(@"^encoder\.layers\.encoder_layer_(\d+)\.", "blocks.$1.")
        .Replace(@"^(blocks\.\d+\.)ln_1\.", "$1norm1.")
        .Replace(@"^(blocks\.\d+\.)self_attention\.in_proj_", "$1attn.qkv.")
        .Replace(@"^(blocks\.\d+\.)self_attention\.out_proj\.", "$1attn.proj.")
        .Replace(@"^(blocks\.\d+\.)ln_2\.", "$1norm2.")
        .Replace(@"^(blocks\.\d+\.)mlp\.0\.", "$1mlp.fc1.")
        .Replace(@"^(blocks\.\d+\.)mlp\.3\.", "$1mlp.fc2.");

    /// <summary>
    /// MMSegmentation's BEiT and MRM backbones to timm names: <c>patch_embed.projection</c> -> <c>patch_embed.proj</c>,
    /// <c>layers.N</c> (BEiT) or <c>blocks.N</c> (MRM) <c>.{ln1, ln2, ffn.layers.0.0, ffn.layers.1}</c> ->
    /// <c>blocks.N.{norm1, norm2, mlp.fc1, mlp.fc2}</c>; <c>attn.qkv</c>, <c>attn.proj</c>,
    /// <c>attn.relative_position_bias_table</c>, <c>gamma_1</c> and <c>gamma_2</c> keep their names, and the derived
    /// <c>relative_position_index</c> is dropped.
    /// </summary>
    public static KeyMap Mmseg { get; } = KeyMap.Identity
        .Replace(@"^.*\.relative_position_index$", "derived.$0")
        .DropPrefix("derived.")
        .RenamePrefix("patch_embed.projection.", "patch_embed.proj.")
        .Replace(@"^layers\.(\d+)\.", "blocks.$1.")
        .Replace(@"^(blocks\.\d+\.)ln1\.", "$1norm1.")
        .Replace(@"^(blocks\.\d+\.)ln2\.", "$1norm2.")
        .Replace(@"^(blocks\.\d+\.)ffn\.layers\.0\.0\.", "$1mlp.fc1.")
        .Replace(@"^(blocks\.\d+\.)ffn\.layers\.1\.", "$1mlp.fc2.");

    /// <summary>Whether the keys look like torchvision's ViT (its <c>conv_proj</c> and <c>class_token</c>).</summary>
    public static bool IsTorchvision(IEnumerable<string> keys) =>
        keys.Any(k => k.StartsWith("conv_proj.", StringComparison.Ordinal) || k == "class_token");
}
