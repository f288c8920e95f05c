namespace CxrVL.Weights;

/// <summary>What <see cref="CheckpointConverter"/> wrote.</summary>
/// <param name="Tensors">tensors written</param>
/// <param name="Values">their total number of elements</param>
/// <param name="Dropped">checkpoint keys the key map dropped</param>
/// <param name="Bytes">size of the written file</param>
public sealed record ConversionResult(int Tensors, long Values, IReadOnlyList<string> Dropped, long Bytes);
