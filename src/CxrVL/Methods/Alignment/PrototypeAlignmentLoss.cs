using CxrVL.Precision;
using CxrVL.Training.Distributed;
using static TorchSharp.torch;

namespace CxrVL.Methods.Alignment;

/// <summary>
/// MGCA's disease-level (prototype) alignment: Sinkhorn codes of one modality are the targets of the other modality's
/// softmax over prototypes at <c>temperature</c>; the loss is the mean of both directions' cross-entropies.
/// </summary>
public static class PrototypeAlignmentLoss
{
    /// <param name="imageScores">Image embeddings times the normalised prototypes, [B, K].</param>
    /// <param name="textScores">Report embeddings times the same prototypes, [B, K].</param>
    /// <param name="global">Every rank's samples for the Sinkhorn codes in a data-parallel job.</param>
    public static Tensor Compute(Tensor imageScores, Tensor textScores, double epsilon = 0.05, int iterations = 3, double temperature = 0.2,
                                 GlobalBatch? global = null)
    {
        using var scope = NewDisposeScope();
        // Losses run in float32 under autocast too.
        (imageScores, textScores) = (Autocast.Float32(imageScores), Autocast.Float32(textScores));
        var imageCodes = SinkhornKnopp.Codes(imageScores, epsilon, iterations, global);
        var textCodes = SinkhornKnopp.Codes(textScores, epsilon, iterations, global);
        var imageLogProbabilities = nn.functional.log_softmax(imageScores / temperature, 1);
        var textLogProbabilities = nn.functional.log_softmax(textScores / temperature, 1);
        var imageToText = -(imageCodes * textLogProbabilities).sum(1).mean();
        var textToImage = -(textCodes * imageLogProbabilities).sum(1).mean();
        return ((imageToText + textToImage) / 2).MoveToOuterDisposeScope();
    }
}
