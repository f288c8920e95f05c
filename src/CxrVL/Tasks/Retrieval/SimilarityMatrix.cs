using static TorchSharp.torch;

namespace CxrVL.Tasks.Retrieval;

/// <summary>Cosine similarities of l2-normalised embeddings as a .NET matrix for the evaluation metrics.</summary>
public static class SimilarityMatrix
{
    public static double[,] Of(Tensor queries, Tensor candidates)
    {
        using var scope = NewDisposeScope();
        var similarity = queries.to(float64).matmul(candidates.to(float64).t()).contiguous();
        var (rows, columns) = ((int)similarity.shape[0], (int)similarity.shape[1]);
        var values = similarity.data<double>().ToArray();
        var matrix = new double[rows, columns];
        Buffer.BlockCopy(values, 0, matrix, 0, values.Length * sizeof(double));
        return matrix;
    }
}
