using CxrVL.Weights;

namespace CxrVL.Models;

/// <summary>
/// What <see cref="BackboneForward.Run"/> does: load <see cref="WeightsPath"/> into the bare backbone
/// <see cref="Arch"/> (<c>resnet18</c>, <c>resnet50</c>, <c>resnet101</c>, <c>vit_s16</c>, <c>vit_b16</c>, <c>bert</c>),
/// run it on the tensor <c>input</c> of <see cref="InputPath"/> (safetensors) and write <c>output</c> to
/// <see cref="OutputPath"/>. <see cref="ConfigPath"/> is BERT's <c>config.json</c> (default: Bio_ClinicalBERT's
/// sizes); <see cref="Map"/> replaces the automatic key map.
/// </summary>
public sealed record BackboneForwardRequest(
    string Arch,
    string WeightsPath,
    string InputPath,
    string OutputPath,
    string? ConfigPath = null,
    KeyMap? Map = null,
    CheckpointReadOptions? ReadOptions = null);
