using CxrVL.Evaluation.Classification;

namespace CxrVL.Tasks.ZeroShot;

/// <summary>Bootstrap 95% intervals of zero-shot accuracy and macro one-vs-rest AUROC over the images.</summary>
public static class ZeroShotIntervals
{
    /// <param name="scores">Image-by-class scores [images, classes].</param>
    /// <param name="truth">True class per image.</param>
    /// <param name="predicted">Predicted class per image.</param>
    public static (ConfidenceInterval? Accuracy, ConfidenceInterval? MacroAuroc) Of(double[,] scores, int[] truth, int[] predicted,
                                                                                     int resamples, int seed)
    {
        var classes = scores.GetLength(1);
        double Accuracy(int[] counts)
        {
            var (correct, total) = (0, 0);
            for (var i = 0; i < counts.Length; i++)
            {
                total += counts[i];
                if (predicted[i] == truth[i])
                    correct += counts[i];
            }
            return correct / (double)total;
        }
        double MacroAuroc(int[] counts)
        {
            // Bootstrap passes how often each image was drawn; the AUROC needs the drawn images themselves.
            var drawn = Enumerable.Range(0, counts.Length).SelectMany(i => Enumerable.Repeat(i, counts[i])).ToArray();
            var subScores = new double[drawn.Length, classes];
            for (var r = 0; r < drawn.Length; r++)
                for (var c = 0; c < classes; c++)
                    subScores[r, c] = scores[drawn[r], c];
            return MultiClassMetrics.OneVsRestAuroc(subScores, drawn.Select(i => truth[i]).ToArray()).Macro;
        }
        return (Bootstrap.Interval(truth.Length, Accuracy, resamples, seed), Bootstrap.Interval(truth.Length, MacroAuroc, resamples, seed));
    }
}
