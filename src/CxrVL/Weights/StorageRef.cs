using static TorchSharp.torch;

namespace CxrVL.Weights;

/// <summary>A storage the pickle refers to by key; its bytes live elsewhere in the file.</summary>
internal sealed record StorageRef(string Key, ScalarType DType, long Numel, string Location);
