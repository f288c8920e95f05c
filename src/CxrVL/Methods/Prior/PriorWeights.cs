using CxrVL.Models;
using CxrVL.Weights;
using static TorchSharp.torch;

namespace CxrVL.Methods.Prior;

/// <summary>
/// PRIOR's released weights into a <see cref="PriorMethod"/>: the vision-only <c>prior_resnet50.pt</c> (torchvision
/// ResNet-50 keys without <c>fc</c>, a 1-channel <c>conv1</c>) into <c>image_encoder.encoder</c>, or the full image-text
/// state dict of PRIOR's <c>Prior</c> module, loaded strictly.
/// </summary>
public static class PriorWeights
{
    private const string VisionPrefix = "image_encoder.encoder.";

    /// <summary>
    /// The full state dict as PRIOR saved it: identical names, except the <c>position_ids</c> buffers that transformers 4.17
    /// (PRIOR's version) stored in both BERTs, which are not weights.
    /// </summary>
    public static KeyMap Full { get; } = KeyMap.Identity
        .DropPrefix("text_encoder.encoder.embeddings.position_ids")
        .DropPrefix("sentence_decoder.embeddings.position_ids");

    /// <summary>
    /// The mark of a full state dict saved by PRIOR's own code: transformers 4.17 kept the text BERT's <c>position_ids</c>
    /// buffer in it, while CxrVL's BERT has no such buffer, so CxrVL's own checkpoints never carry the key.
    /// </summary>
    public const string ReleasedMarker = "text_encoder.encoder.embeddings.position_ids";

    /// <summary>Whether a checkpoint is PRIOR's released full model (see <see cref="ReleasedMarker"/>).</summary>
    public static bool IsReleasedFull(StateDict weights) => weights.ContainsKey(ReleasedMarker);

    /// <summary>Whether a checkpoint is the vision-only file (bare torchvision keys) rather than the full model.</summary>
    public static bool IsVisionOnly(StateDict weights) => weights.ContainsKey("conv1.weight") && weights.ContainsKey("layer4.0.conv1.weight");

    /// <summary>
    /// Loads either file: the full model strictly; the vision file strictly for every image-encoder key (the stem adapted
    /// when the model's channel count differs) with the rest of the model left as initialised.
    /// </summary>
    public static LoadReport Load(PriorMethod model, StateDict weights, string? source = null)
    {
        if (!IsVisionOnly(weights))
        {
            var notes = MatchTokenLayout(model, weights);
            return StateDictLoader.Load(model, weights, Full, source: source) with { Notes = notes };
        }
        var stem = model.state_dict()[VisionPrefix + "conv1.weight"];
        using var vision = new StateDict();
        foreach (var (name, tensor) in weights)
        {
            var value = name == "conv1.weight" && tensor.shape[1] != stem.shape[1] ? StemWeights.ToChannels(tensor, (int)stem.shape[1]) : tensor.alias();
            vision.Add(VisionPrefix + name, value);
        }
        var others = model.state_dict().Keys.Where(k => !k.StartsWith(VisionPrefix, StringComparison.Ordinal)).ToList();
        return StateDictLoader.Load(model, vision, allowMissing: others, source: source);
    }

    /// <summary>
    /// The released model's local branch was trained on PRIOR's raw view of the image map: an unset
    /// <see cref="PriorConfig.LegacyChannelMajorTokens"/> follows it; an explicit false is kept, with a warning.
    /// </summary>
    private static IReadOnlyList<string> MatchTokenLayout(PriorMethod model, StateDict weights)
    {
        if (!IsReleasedFull(weights))
            return [];
        switch (model.Config.LegacyChannelMajorTokens)
        {
            case null:
                model.Config.LegacyChannelMajorTokens = true;
                model.ImageEncoder.LegacyTokens = true;
                return [$"PRIOR's released full model (it carries {ReleasedMarker}): model.prior.legacy_channel_major_tokens set to true, " +
                        "the raw view of the image map its local branch was trained on"];
            case false:
                return ["warning: PRIOR's released full model loaded with model.prior.legacy_channel_major_tokens: false, but its local branch was " +
                        "trained on the raw view of the image map: local alignment, zero-shot and reconstruction start from mismatched tokens " +
                        "(leave the key unset or set it to true to match)"];
            default:
                return [];
        }
    }
}
