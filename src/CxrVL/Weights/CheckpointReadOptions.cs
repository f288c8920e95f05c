namespace CxrVL.Weights;

/// <summary>How <see cref="CheckpointReader"/> reads a PyTorch checkpoint.</summary>
/// <param name="Entry">
/// Dotted path of the state dict inside the checkpoint (<c>state_dict</c>, <c>model</c>, <c>model.encoder</c>); null
/// finds it: the usual keys (<c>state_dict</c>, <c>model</c>, <c>model_state_dict</c>, <c>module</c>, <c>net</c>), else
/// the top level when it holds tensors, else the only entry that does.
/// </param>
/// <param name="SkipUnknownObjects">
/// Keep objects of non-whitelisted Python types (for example in Lightning <c>hyper_parameters</c>) as inert
/// placeholders instead of refusing the file. Nothing of them is executed either way; a placeholder inside the state
/// dict is still an error.
/// </param>
public sealed record CheckpointReadOptions(string? Entry = null, bool SkipUnknownObjects = false);
