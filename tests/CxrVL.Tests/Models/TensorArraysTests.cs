using CxrVL.Models;
using static TorchSharp.torch;

namespace CxrVL.Tests.Models;

public sealed class TensorArraysTests
{
    [Fact]
    public void MatricesKeepRowMajorLayoutFromNonContiguousFloat32Tensors()
    {
        using var scope = NewDisposeScope();
        // [[0, 1, 2], [3, 4, 5]] transposed: a non-contiguous 3x2 view.
        var transposed = arange(6, dtype: float32).reshape(2, 3).t();
        var matrix = TensorArrays.ToMatrix(transposed);
        Assert.Equal((3, 2), (matrix.GetLength(0), matrix.GetLength(1)));
        Assert.Equal(new double[,] { { 0, 3 }, { 1, 4 }, { 2, 5 } }, matrix);
        Assert.Equal([0.0, 3, 1, 4, 2, 5], TensorArrays.ToVector(transposed));
        Assert.Throws<ArgumentException>(() => TensorArrays.ToMatrix(arange(3)));
    }
}
