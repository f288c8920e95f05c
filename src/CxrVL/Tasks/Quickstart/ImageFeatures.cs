using CxrVL.Data.Loading;
using CxrVL.Data.Manifest;
using CxrVL.Models;
using CxrVL.Runs;
using CxrVL.Tasks.Pretraining;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Quickstart;

/// <summary>
/// Each row's image (the frontal one, else the first) as one model sees it, in one pass: its l2-normalised embedding in
/// the joint space [N, D] (zero-shot) and its image backbone's pooled feature [N, F] (the linear probe), both on the CPU.
/// </summary>
internal sealed record ImageFeatures(Tensor Embeddings, Tensor Pooled, IReadOnlyList<ManifestRow> Rows) : IDisposable
{
    public static ImageFeatures Compute(PretrainedModel model, IReadOnlyList<ManifestRow> rows, string root, Device device, TextWriter? progress,
                                        int batchSize = 32)
    {
        var options = new StudyOptions { ImageRecipe = model.Reading.ImageRecipe, Views = StudyViews.Frontal, RequireReport = false };
        var loader = StudyLoader.Create(rows, root, options,
            new LoaderOptions { BatchSize = batchSize, Workers = model.Config.Data.Workers, Shuffle = false }, train: false);
        var backbone = model.Method.Model.named_modules().First(m => m.name == model.Method.ImageBackbone).module;
        var (embeddings, pooled, kept) = (new List<Tensor>(), new List<Tensor>(), new List<ManifestRow>());
        model.Method.Model.eval();
        using var noGrad = no_grad();
        ConsoleProgress.Run("image features", loader.BatchesPerEpoch, tracker =>
        {
            foreach (var batch in loader.ReadEpoch(0))
            {
                using (batch)
                using (NewDisposeScope())
                {
                    var images = batch.Images.to(device);
                    embeddings.Add(model.Method.EmbedImages(images).cpu().MoveToOuterDisposeScope());
                    var features = backbone switch
                    {
                        ResNet resnet => resnet.forward(images).Pooled,
                        VisionTransformer vit => vit.forward(images).Pooled,
                        _ => throw new InvalidOperationException($"{model.Method.ImageBackbone} is neither a ResNet nor a ViT."),
                    };
                    pooled.Add(features.cpu().MoveToOuterDisposeScope());
                    kept.AddRange(batch.Rows.Select(i => rows[i]));
                }
                tracker.Advance();
            }
        }, unit: "batch", output: progress);
        if (kept.Count == 0)
            throw new CxrVLException("no image could be read (every row's image was missing or unreadable).");
        var result = new ImageFeatures(cat(embeddings, 0), cat(pooled, 0), kept);
        embeddings.Concat(pooled).ToList().ForEach(t => t.Dispose());
        return result;
    }

    public void Dispose()
    {
        Embeddings.Dispose();
        Pooled.Dispose();
    }
}
