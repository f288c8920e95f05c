using System.Text.RegularExpressions;
using CxrVL.Weights;
using static TorchSharp.torch;

namespace CxrVL.Methods.MedST;

/// <summary>
/// Loads MedST and MGCA (ViT) Lightning checkpoints into a <see cref="MedstMethod"/>, strictly, with these documented
/// exceptions: keys the models do not use are dropped (the unused head duplicates <c>global_embed_la</c>/<c>local_embed_la</c>,
/// the switched-off <c>*_local_atten_layer</c>, MGCA's <c>prototype_layer</c>, BERT's <c>crossattention</c> blocks,
/// which a text-only forward never runs, and the <c>position_ids</c> buffer); the BLIP BERT has no token-type table,
/// so ours is set to zero (the same forward); the Conv1d k=1 local heads become the equivalent linears. From an MGCA
/// checkpoint, which has no lateral experts or token weighting, each block's <c>mlp_l</c>/<c>norm2_l</c> start as copies
/// of its frontal <c>mlp</c>/<c>norm2</c> (MedST leaves them random) and the weighting layers keep their initialisation.
/// </summary>
public static class MedstCheckpoint
{
    public const string KeyMapRules =
        "drop:img_encoder_q.global_embed_la.;drop:img_encoder_q.local_embed_la.;drop:patch_local_atten_layer.;drop:word_local_atten_layer.;" +
        "drop:prototype_layer.;drop:text_encoder_q.model.embeddings.position_ids;re:^text_encoder_q\\.model\\.encoder\\.layer\\.\\d+\\.crossattention\\.=unused.crossattention.;drop:unused.;" +
        "rename:img_encoder_q.model.=image_encoder.;rename:img_encoder_q.global_embed.=image_global.;rename:img_encoder_q.local_embed.=image_local.;" +
        "rename:text_encoder_q.model.=text_encoder.bert.;rename:text_encoder_q.global_embed.=text_global.;rename:text_encoder_q.local_embed.=text_local.;" +
        "rename:word_element_wise_multi_head.=word_weighting.;rename:patch_element_wise_multi_head.=patch_weighting.";

    private const string TokenTypes = "text_encoder.bert.embeddings.token_type_embeddings.";

    /// <summary>True for the MGCA/MedST Lightning layout.</summary>
    public static bool IsLightning(StateDict weights) =>
        weights.Keys.Any(k => k.StartsWith("img_encoder_q.model.", StringComparison.Ordinal)) &&
        weights.Keys.Any(k => k.StartsWith("text_encoder_q.model.", StringComparison.Ordinal));

    public static LoadReport Load(MedstMethod method, StateDict weights, string? source = null)
    {
        var map = KeyMap.Parse(KeyMapRules);
        var fromMgca = !weights.Keys.Any(k => k.Contains(".mlp_l.", StringComparison.Ordinal));
        var depth = method.ImageEncoder.Config.Depth;
        var allowMissing = new List<string> { TokenTypes };
        if (fromMgca)
        {
            allowMissing.AddRange(Enumerable.Range(0, depth).SelectMany(i => new[] { $"image_encoder.blocks.{i}.mlp_l.", $"image_encoder.blocks.{i}.norm2_l." }));
            allowMissing.AddRange(["word_weighting.", "patch_weighting."]);
        }

        using var scope = NewDisposeScope();
        // MGCA/MedST local heads are Conv1d(k=1): [out, in, 1] weights, the same map as our linears' [out, in].
        var adapted = weights.Select(entry => LocalConvWeight.IsMatch(entry.Key) && entry.Value.dim() == 3
            ? new KeyValuePair<string, Tensor>(entry.Key, entry.Value.squeeze(-1))
            : entry).ToList();
        using var borrowed = StateDict.Borrow(adapted);
        var report = StateDictLoader.Load(method, borrowed, map, strict: true, allowMissing, source);

        using var noGrad = no_grad();
        var state = method.state_dict();
        foreach (var key in report.AllowedMissing)
        {
            if (key.StartsWith(TokenTypes, StringComparison.Ordinal))
                state[key].zero_();
            else if (key.Contains(".mlp_l.", StringComparison.Ordinal) || key.Contains(".norm2_l.", StringComparison.Ordinal))
                state[key].copy_(state[key.Replace(".mlp_l.", ".mlp.").Replace(".norm2_l.", ".norm2.")]);
        }
        return report;
    }

    private static readonly Regex LocalConvWeight = new(@"^(img|text)_encoder_q\.local_embed(_la)?\.head\.[03]\.weight$", RegexOptions.CultureInvariant);
}
