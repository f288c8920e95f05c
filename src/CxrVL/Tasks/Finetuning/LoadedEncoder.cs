using static TorchSharp.torch;

namespace CxrVL.Tasks.Finetuning;

/// <summary>An image encoder ready for a downstream head: the module, its architecture and where its weights came from.</summary>
/// <param name="ImageRecipe">The pretraining run's image recipe, when the encoder comes from one.</param>
public sealed record LoadedEncoder(nn.Module Module, string Backbone, string Description, string? ImageRecipe);
