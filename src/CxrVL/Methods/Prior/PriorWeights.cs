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

    /// <summary>Whether a checkpoint is the vision-only file (bare torchvision keys) rather than the full model.</summary>
    public static bool IsVisionOnly(StateDict weights) => weights.ContainsKey("conv1.weight") && weights.ContainsKey("layer4.0.conv1.weight");

    /// <summary>
    /// Loads either file: the full model strictly; the vision file strictly for every image-encoder key (the stem adapted
    /// when the model's channel count differs) with the rest of the model left as initialised.
    /// </summary>
    public static LoadReport Load(PriorMethod model, StateDict weights, string? source = null)
    {
        if (!IsVisionOnly(weights))
            return StateDictLoader.Load(model, weights, Full, source: source);
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
}
