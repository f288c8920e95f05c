using CxrVL.Models;
using CxrVL.Weights;

namespace CxrVL.Methods.Mrm;

/// <summary>Key maps from the reference checkpoints onto <see cref="MrmMethod"/>, whose ViT sits under <c>encoder.</c>.</summary>
public static class MrmKeyMaps
{
    /// <summary>
    /// <c>MRM.pth</c> and MAE's <c>mae_pretrain_vit_base.pth</c> (timm names at the top level): the encoder's keys
    /// move under <c>encoder.</c>; the tied copy of the word embeddings (<c>cls.predictions.decoder.*</c>) and the
    /// <c>position_ids</c> buffer are dropped; the decoder and report keys already have MRM's names.
    /// </summary>
    public static KeyMap Official { get; } = KeyMap.Identity
        .Replace(@"^(patch_embed\.|cls_token$|pos_embed$|blocks\.|norm\.)", "encoder.$1")
        .DropPrefix("bert_encoder.model.cls.predictions.decoder.")
        .DropPrefix("bert_encoder.model.bert.embeddings.position_ids")
        // MRM's MyBertModel ignores add_pooling_layer=False, so MRM.pth holds a pooler no loss ever reads; CxrVL's
        // report model has none (a pooler would only take gradient-free parameters), so it is left out by name.
        .DropPrefix("bert_encoder.model.bert.pooler.");

    /// <summary>A torchvision ViT (<c>vit_b_16</c>) as the encoder: its names to timm's under <c>encoder.</c>; its classifier is dropped.</summary>
    public static KeyMap Torchvision { get; } = new(VitKeyMaps.Torchvision.DropPrefix("head.").Rules.Concat(Official.Rules));
}
