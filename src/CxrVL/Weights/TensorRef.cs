namespace CxrVL.Weights;

/// <summary>A tensor as the pickle describes it: a strided view into a storage.</summary>
internal sealed record TensorRef(StorageRef Storage, long Offset, long[] Shape, long[] Stride);
