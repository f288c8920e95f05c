using CxrVL.Data.Loading;
using CxrVL.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Finetuning;

/// <summary>Validation pieces shared by the tasks.</summary>
public static class FinetuneValidation
{
    /// <summary>The method's loss averaged over samples, in evaluation mode and without gradients.</summary>
    public static double MeanLoss(ITrainingMethod<StudyBatch> method, StudyBatches data)
    {
        var progress = new TrainingProgress(0, "validation", 0, 0, 1, 0, new Dictionary<string, double>());
        var (total, count) = (0.0, 0);
        method.Model.eval();
        using var noGrad = no_grad();
        foreach (var batch in data.Epoch(0))
        {
            using (batch)
            using (NewDisposeScope())
            {
                total += method.Loss(batch, progress).Total.ToDouble() * batch.Count;
                count += batch.Count;
            }
        }
        return count == 0 ? double.NaN : total / count;
    }
}
