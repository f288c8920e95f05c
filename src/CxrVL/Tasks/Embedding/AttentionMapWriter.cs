using CxrVL.Data.Manifest;
using CxrVL.Imaging;
using CxrVL.Methods.Encoders;
using CxrVL.Tasks.Pretraining;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Embedding;

/// <summary>
/// Attention heat-map overlays (<c>--attention-maps N</c>): for the first N image-report pairs of a split, each
/// report's word-to-region attention over its own image, averaged over the report's words, drawn over the image as
/// the model sees it (evaluation transform). Needs a local-alignment method (gloria, mgca).
/// </summary>
public static class AttentionMapWriter
{
    /// <returns>The PNG files written, <c>NN-&lt;study id&gt;.png</c> in split order.</returns>
    public static IReadOnlyList<string> Write(PretrainedModel model, IReadOnlyList<ManifestRow> rows, string root, Device device,
                                              int count, string directory, bool skipBad = false)
    {
        if (model.Method is not ILocalAttentionModel local)
            throw new CxrVLException($"method '{model.Config.Method}' aligns whole images and reports only: attention maps need a local-alignment method (gloria, mgca).");
        if (count < 1)
            throw new CxrVLException($"--attention-maps must be at least 1 (got {count}).");
        var kept = PairFilter.Apply(rows, model.Config.Data.ReportSections).Kept.Take(count).ToList();
        if (kept.Count == 0)
            throw new CxrVLException("no row of the split has both an image and a report: nothing to draw attention maps for.");
        var pairs = Embedder.Pairs(model, kept, root, device, kept.Count, skipBad);
        var written = new List<string>();
        model.Method.Model.eval();
        using var noGrad = no_grad();
        foreach (var batch in pairs.Epoch(0))
        {
            using (batch)
            using (NewDisposeScope())
            {
                var attention = local.RegionAttention(batch).cpu();
                var side = (long)Math.Round(Math.Sqrt(attention.shape[1]));
                if (side * side != attention.shape[1])
                    throw new CxrVLException($"the model's {attention.shape[1]} image regions do not form a square grid; attention maps need square images.");
                var images = batch.Images.cpu();
                for (var b = 0; b < batch.Rows.Count; b++)
                {
                    var path = Path.Combine(directory, $"{written.Count:00}-{FileName(kept[batch.Rows[b]].StudyId)}.png");
                    HeatmapOverlay.WritePng(images[b, 0], attention[b].view(side, side), path);
                    written.Add(path);
                }
            }
        }
        return written;
    }

    private static string FileName(string id)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var name = new string(id.Select(c => invalid.Contains(c) || char.IsWhiteSpace(c) ? '_' : c).ToArray());
        return name.Length > 80 ? name[..80] : name;
    }
}
