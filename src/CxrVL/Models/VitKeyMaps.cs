using System.Globalization;
using CxrVL.Weights;

namespace CxrVL.Models;

/// <summary>Key maps from other ViT implementations' state dicts to <see cref="VisionTransformer"/>'s timm names.</summary>
public static class VitKeyMaps
{
    /// <summary>
    /// torchvision's <c>VisionTransformer</c> (<c>vit_b_16</c>, ...) to timm names, for a model of
    /// <paramref name="depth"/> blocks: <c>conv_proj</c> -> <c>patch_embed.proj</c>, <c>class_token</c> ->
    /// <c>cls_token</c>, <c>encoder.pos_embedding</c> -> <c>pos_embed</c>,
    /// <c>encoder.layers.encoder_layer_N.{ln_1, self_attention.in_proj_, self_attention.out_proj, ln_2, mlp.0, mlp.3}</c>
    /// -> <c>blocks.N.{norm1, attn.qkv., attn.proj, norm2, mlp.fc1, mlp.fc2}</c>, <c>encoder.ln</c> -> <c>norm</c>,
    /// <c>heads.head</c> -> <c>head</c>. torchvision's fused <c>in_proj</c> stacks q, k, v in timm's order, so the
    /// tensors need no change.
    /// </summary>
    public static KeyMap FromTorchvision(int depth)
    {
        var map = KeyMap.Identity
            .RenamePrefix("conv_proj.", "patch_embed.proj.")
            .RenamePrefix("class_token", "cls_token")
            .RenamePrefix("encoder.pos_embedding", "pos_embed")
            .RenamePrefix("encoder.ln.", "norm.")
            .RenamePrefix("heads.head.", "head.");
        for (var i = 0; i < depth; i++)
        {
            var block = string.Create(CultureInfo.InvariantCulture, $"blocks.{i}.");
            map = map
                .RenamePrefix(string.Create(CultureInfo.InvariantCulture, $"encoder.layers.encoder_layer_{i}."), block)
                .RenamePrefix(block + "ln_1.", block + "norm1.")
                .RenamePrefix(block + "self_attention.in_proj_", block + "attn.qkv.")
                .RenamePrefix(block + "self_attention.out_proj.", block + "attn.proj.")
                .RenamePrefix(block + "ln_2.", block + "norm2.")
                .RenamePrefix(block + "mlp.0.", block + "mlp.fc1.")
                .RenamePrefix(block + "mlp.3.", block + "mlp.fc2.");
        }
        return map;
    }

    /// <summary>Whether the keys look like torchvision's ViT (its <c>conv_proj</c> and <c>class_token</c>).</summary>
    public static bool IsTorchvision(IEnumerable<string> keys) =>
        keys.Any(k => k.StartsWith("conv_proj.", StringComparison.Ordinal) || k == "class_token");
}
