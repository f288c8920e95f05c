namespace CxrVL.Weights;

/// <summary>What a checkpoint holds, read without loading tensor values.</summary>
/// <param name="Format">the file format, e.g. <c>safetensors</c> or <c>PyTorch zip (torch.save)</c></param>
/// <param name="StateDictEntry">where the state dict sits in the checkpoint (empty: at the top level)</param>
/// <param name="Tensors">the state dict's tensors, in file order</param>
/// <param name="OtherEntries">other top-level entries, as <c>name: description</c> (Lightning's epoch, hyper_parameters, ...)</param>
/// <param name="Metadata">string metadata (safetensors <c>__metadata__</c>)</param>
/// <param name="SkippedGlobals">non-whitelisted Python globals that were kept inert (with SkipUnknownObjects)</param>
public sealed record CheckpointSummary(
    string Path,
    string Format,
    string StateDictEntry,
    IReadOnlyList<TensorInfo> Tensors,
    IReadOnlyList<string> OtherEntries,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyCollection<string> SkippedGlobals)
{
    public long NumberOfElements => Tensors.Sum(tensor => tensor.NumberOfElements);

    /// <summary>Values of parameters, leaving out buffers (<see cref="TensorInfo.IsBuffer"/>).</summary>
    public long NumberOfParameters => Tensors.Where(tensor => !tensor.IsBuffer).Sum(tensor => tensor.NumberOfElements);
}
