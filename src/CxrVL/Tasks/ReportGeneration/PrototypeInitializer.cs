using CxrVL.Generation;
using CxrVL.Methods.XProNet;
using CxrVL.Precision;
using static TorchSharp.torch;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>
/// XProNet's prototype initialisation: for every label class, K-means (<c>num_prototypes</c> clusters) over the
/// concatenated visual and text features of the training studies with that label, giving the matrix
/// [classes x prototypes, d_img + d_txt]. Visual features are the model's pooled image features; text features are the
/// report's bag of words (over the word vocabulary) under a fixed seeded Gaussian projection to d_txt (the seed used
/// CheXbert's 768-d [CLS], which is not available here). Each part is L2-normalised so neither dominates the distance.
/// A class no training study has is clustered over all studies.
/// </summary>
public static class PrototypeInitializer
{
    public static Tensor Compute(IReportModel model, ReportSource source, XProNetConfig config, long vocabulary, int seed)
    {
        var visual = new List<Tensor>();
        var text = new List<Tensor>();
        var labels = new List<Tensor>();
        var generator = new Generator((ulong)seed);
        var projection = randn(vocabulary, config.DTxt, generator: generator) / Math.Sqrt(config.DTxt);
        var wasTraining = model.Model.training;
        model.Model.eval();
        try
        {
            using var noGrad = no_grad();
            foreach (var batch in source.Epoch(0))
            {
                using (batch)
                using (var scope = NewDisposeScope())
                {
                    visual.Add(Autocast.Normalize(model.PooledFeatures(batch.Images, batch.ImagePresent), dim: 1).cpu().MoveToOuterDisposeScope());
                    var words = batch.Targets.cpu();
                    var counts = zeros(words.shape[0], vocabulary).scatter_add(1, words, batch.TargetMask.cpu().to_type(ScalarType.Float32));
                    counts[.., 0] = 0;
                    text.Add(Autocast.Normalize(counts.matmul(projection), dim: 1).MoveToOuterDisposeScope());
                    labels.Add(batch.Labels.cpu().MoveToOuterDisposeScope());
                }
            }
        }
        finally
        {
            model.Model.train(wasTraining);
        }
        if (visual.Count == 0)
            throw new CxrVLException("no training studies to initialise the prototypes from.");
        using var featureScope = NewDisposeScope();
        var features = cat([cat(visual, 0), cat(text, 0)], 1);
        var allLabels = cat(labels, 0);
        var prototypes = new List<Tensor>();
        for (var c = 0; c < config.NumClasses; c++)
        {
            var members = allLabels[.., c].gt(0.5).nonzero().flatten();
            var points = members.shape[0] == 0 ? features : features.index_select(0, members);
            prototypes.Add(KMeans.Fit(points, config.NumPrototypes, seed + c));
        }
        foreach (var t in visual.Concat(text).Concat(labels))
            t.Dispose();
        projection.Dispose();
        return cat(prototypes, 0).MoveToOuterDisposeScope();
    }
}
