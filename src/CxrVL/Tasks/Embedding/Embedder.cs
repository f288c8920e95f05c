using CxrVL.Data.Loading;
using CxrVL.Data.Manifest;
using CxrVL.Imaging;
using CxrVL.Methods.Encoders;
using CxrVL.Runs;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tasks.Retrieval;
using CxrVL.Weights;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Embedding;

/// <summary>Embeds the image-report pairs of manifest rows with a trained model (<c>cxrvl embed</c>, and the input of zero-shot and retrieval).</summary>
public static class Embedder
{
    /// <summary>Rows of a split ("all" for every row; the default "test" falls back to all rows when the manifest has no test split).</summary>
    public static List<ManifestRow> SelectRows(string manifestPath, string split) => SelectRows(manifestPath, ManifestReader.Read(manifestPath).ToList(), split);

    /// <inheritdoc cref="SelectRows(string, string)"/>
    public static List<ManifestRow> SelectRows(ManifestData manifest, string split) => SelectRows(manifest.Path, manifest.Rows.ToList(), split);

    private static List<ManifestRow> SelectRows(string manifestPath, List<ManifestRow> rows, string split)
    {
        if (split == "all")
            return rows;
        var selected = rows.Where(r => r.Split == split).ToList();
        if (selected.Count > 0)
            return selected;
        if (split == ManifestSplits.Test && rows.All(r => r.Split is null))
            return rows;
        throw new CxrVLException($"'{manifestPath}' has no rows in split '{split}' (splits: {string.Join(", ", rows.Select(r => r.Split ?? "none").Distinct().Order())}); use --split NAME or --split all.");
    }

    /// <param name="regions">Also keep the image regions of a model with its own zero-shot protocol (<see cref="IPromptScorer"/>).</param>
    public static PairEmbeddings Embed(PretrainedModel model, IReadOnlyList<ManifestRow> rows, string root, Device device,
                                       int batchSize = 32, bool skipBad = false, TextWriter? progress = null, bool regions = false)
    {
        rows = PairFilter.Apply(rows, model.Config.Data.ReportSections).Kept;
        var pairs = Pairs(model, rows, root, device, batchSize, skipBad);
        var scorer = regions ? model.Method as IPromptScorer : null;
        var images = new List<Tensor>();
        var imageRegions = new List<Tensor>();
        var texts = new List<Tensor>();
        var kept = new List<ManifestRow>();
        model.Method.Model.eval();
        using var noGrad = no_grad();
        ConsoleProgress.Run("embed", pairs.BatchesPerEpoch, tracker =>
        {
            foreach (var batch in pairs.Epoch(0))
            {
                using (batch)
                using (var scope = NewDisposeScope())
                {
                    if (scorer is not null)
                    {
                        var encoding = model.ImageRegions(scorer, batch.Images);
                        images.Add(encoding.Global.cpu().MoveToOuterDisposeScope());
                        imageRegions.Add(encoding.Local.cpu().MoveToOuterDisposeScope());
                    }
                    else
                    {
                        images.Add(model.ImageEmbeddings(batch.Images).cpu().MoveToOuterDisposeScope());
                    }
                    // A model without report embeddings (MRM) stores an empty [B, 0] block, so the rows still line up.
                    texts.Add((model.Method.EmbedsTexts ? model.TextEmbeddings(batch.Text).cpu() : zeros([batch.Size, 0L])).MoveToOuterDisposeScope());
                    kept.AddRange(batch.Rows.Select(i => rows[i]));
                }
                tracker.Advance();
            }
        }, unit: "batch", output: progress);
        if (kept.Count == 0)
            throw new CxrVLException("no image-report pair could be embedded (every row lacked an image or a report).");
        var result = new PairEmbeddings(cat(images, 0), cat(texts, 0), kept, imageRegions.Count > 0 ? cat(imageRegions, 0) : null);
        foreach (var t in images.Concat(texts).Concat(imageRegions))
            t.Dispose();
        return result;
    }

    /// <summary>The evaluation pairs of <paramref name="rows"/> (which must have image and text) as the model's recipe reads them: no augmentation, in order.</summary>
    public static PairSource Pairs(PretrainedModel model, IReadOnlyList<ManifestRow> rows, string root, Device device, int batchSize, bool skipBad = false)
    {
        var data = new PretrainDataConfig
        {
            ReportSections = model.Config.Data.ReportSections,
            Workers = model.Config.Data.Workers,
            SkipBad = skipBad,
        };
        return new PairSource(rows, root, data, model.Reading, model.Tokenizer, model.Config.Model.Text.MaxLength, batchSize, train: false, seed: 0, device,
                              model.ReportBatcher, skipBadSwitch: "--skip-bad");
    }

    /// <summary>
    /// Image embeddings [N, D] (CPU, l2-normalised) of rows' single images (the frontal one, else the first), reports not
    /// needed: zero-shot classification and image-only evaluations. Rows whose image cannot be read are left out with
    /// <paramref name="skipBad"/>, else an error naming the row; the second value holds the kept rows in order.
    /// </summary>
    public static (Tensor Images, List<ManifestRow> Rows) EmbedImages(PretrainedModel model, IReadOnlyList<ManifestRow> rows, string root, Device device,
                                                                   int batchSize = 32, bool skipBad = false, TextWriter? progress = null)
    {
        var (images, _, kept) = EmbedImageRegions(model, rows, root, device, batchSize, skipBad, progress, regions: false);
        return (images, kept);
    }

    /// <summary>
    /// <see cref="EmbedImages"/>, and with <paramref name="regions"/> the image regions of a model with its own zero-shot
    /// protocol (<see cref="IPromptScorer"/>, which then embeds the images itself). <paramref name="imageRecipe"/> reads the
    /// images with another recipe than the checkpoint's (PRIOR's CheXpert statistics for its zero-shot task).
    /// </summary>
    public static (Tensor Images, Tensor? Regions, List<ManifestRow> Rows) EmbedImageRegions(
        PretrainedModel model, IReadOnlyList<ManifestRow> rows, string root, Device device, int batchSize = 32, bool skipBad = false,
        TextWriter? progress = null, bool regions = false, ImageRecipe? imageRecipe = null)
    {
        var scorer = regions ? model.Method as IPromptScorer : null;
        var options = new StudyOptions { ImageRecipe = imageRecipe ?? model.Reading.ImageRecipe, Views = StudyViews.Frontal, RequireReport = false };
        var loader = StudyLoader.Create(rows, root, options,
            new LoaderOptions { BatchSize = batchSize, Workers = model.Config.Data.Workers, Shuffle = false, SkipBad = skipBad }, train: false);
        var parts = new List<Tensor>();
        var regionParts = new List<Tensor>();
        var kept = new List<ManifestRow>();
        model.Method.Model.eval();
        using var noGrad = no_grad();
        ConsoleProgress.Run("embed images", loader.BatchesPerEpoch, tracker =>
        {
            foreach (var batch in loader.ReadEpoch(0))
            {
                using (batch)
                using (var scope = NewDisposeScope())
                {
                    var images = batch.Images.to(device);
                    if (scorer is not null)
                    {
                        var encoding = model.ImageRegions(scorer, images);
                        parts.Add(encoding.Global.cpu().MoveToOuterDisposeScope());
                        regionParts.Add(encoding.Local.cpu().MoveToOuterDisposeScope());
                    }
                    else
                    {
                        parts.Add(model.ImageEmbeddings(images).cpu().MoveToOuterDisposeScope());
                    }
                    kept.AddRange(batch.Rows.Select(i => rows[i]));
                }
                tracker.Advance();
            }
        }, unit: "batch", output: progress);
        if (kept.Count == 0)
            throw new CxrVLException("no image could be embedded (every row's image was missing or unreadable).");
        var all = cat(parts, 0);
        var allRegions = regionParts.Count > 0 ? cat(regionParts, 0) : null;
        parts.Concat(regionParts).ToList().ForEach(p => p.Dispose());
        return (all, allRegions, kept);
    }

    /// <summary>Writes the embeddings as safetensors (<c>image_embeddings</c>, <c>text_embeddings</c>) with the study ids in the metadata.</summary>
    public static void Write(PairEmbeddings embeddings, string path, string? weights)
    {
        using var state = StateDict.Borrow([
            new KeyValuePair<string, Tensor>("image_embeddings", embeddings.Images),
            new KeyValuePair<string, Tensor>("text_embeddings", embeddings.Texts),
        ]);
        var metadata = new Dictionary<string, string>
        {
            ["study_ids"] = System.Text.Json.JsonSerializer.Serialize(embeddings.Rows.Select(r => r.StudyId)),
            ["weights"] = weights ?? "untrained",
        };
        SafeTensors.Write(path, state, metadata);
    }
}
