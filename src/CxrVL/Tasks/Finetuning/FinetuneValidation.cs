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

    /// <summary>
    /// One result per image of <paramref name="data"/>, in row order, with the model in evaluation mode and without
    /// gradients. <paramref name="predict"/> runs the model on a batch and returns, for image i, its result; given a
    /// file path it also draws that image's overlay there (the first <paramref name="overlays"/> images get one).
    /// </summary>
    public static (List<T> Results, List<string> Ids) PerImage<T>(nn.Module model, StudyBatches data, Func<StudyBatch, Func<int, string?, T>> predict,
                                                                  int overlays = 0, string? overlayDirectory = null)
    {
        var results = new List<T>();
        var ids = new List<string>();
        model.eval();
        using var noGrad = no_grad();
        foreach (var batch in data.Epoch(0))
        {
            using (batch)
            using (NewDisposeScope())
            {
                var image = predict(batch);
                for (var i = 0; i < batch.Count; i++)
                {
                    var overlay = overlayDirectory is not null && ids.Count < overlays ? Path.Combine(overlayDirectory, $"{ids.Count:D3}.png") : null;
                    results.Add(image(i, overlay));
                    ids.Add(batch.StudyIds[i]);
                }
            }
        }
        return (results, ids);
    }
}
