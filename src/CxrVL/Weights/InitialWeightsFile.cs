namespace CxrVL.Weights;

/// <summary>Where a recipe's initial weights were found.</summary>
/// <param name="Weights">the weights file</param>
/// <param name="Folder">the folder holding it (a Hugging Face model folder keeps config.json and the tokenizer there)</param>
/// <param name="Source">how run logs name it: the path, and for a package weight its package, version and licence</param>
public sealed record InitialWeightsFile(string Weights, string Folder, string Source);
