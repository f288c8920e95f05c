using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// Copies model outputs into the arrays the metrics take (similarity matrices, score columns), in one transfer
/// and in float64, whatever the tensor's device and dtype.
/// </summary>
public static class TensorArrays
{
    /// <summary>A 2-D tensor as [rows, columns].</summary>
    public static double[,] ToMatrix(Tensor tensor)
    {
        if (tensor.dim() != 2)
            throw new ArgumentException($"expected a 2-D tensor, got shape [{string.Join(", ", tensor.shape)}].");
        using var scope = NewDisposeScope();
        var values = tensor.detach().to(float64).cpu().contiguous().data<double>().ToArray();
        var matrix = new double[tensor.shape[0], tensor.shape[1]];
        Buffer.BlockCopy(values, 0, matrix, 0, values.Length * sizeof(double));
        return matrix;
    }

    /// <summary>Any tensor's values in row-major order.</summary>
    public static double[] ToVector(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        return tensor.detach().to(float64).cpu().contiguous().flatten().data<double>().ToArray();
    }
}
