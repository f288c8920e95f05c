using CxrVL.Data.Manifest;

namespace CxrVL.Data.Builders;

/// <summary>
/// SIIM-ACR Pneumothorax in the image/annotation folder layout MRM's segmentation uses: <c>images/</c> and
/// <c>annotations/</c> holding files of the same name (mask PNGs), either flat or in <c>train/</c> (MRM's README:
/// <c>training/</c>), <c>val/</c> (<c>validation/</c>), <c>test/</c> sub-folders (which then give the split). Each image is a row with its pneumothorax mask; an image
/// without a mask file is recorded with no mask (counted). Split: the sub-folders, else <c>--split-lists</c>
/// (image ids), else a patient-disjoint draw.
/// </summary>
public sealed class SiimBuilder : IDatasetBuilder
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".dcm"];

    public string Name => "siim";

    public string Description => "SIIM-ACR Pneumothorax (images/ + annotations/ mask folders, optional train|training/val|validation/test sub-folders)";

    public bool HasSplit(BuildOptions options) => options.SplitLists is not null || SplitFolders(options.Root).Count > 0;

    public string WorkUnitName => "images";

    public long WorkUnits(BuildOptions options) =>
        Directory.Exists(Path.Combine(options.Root, "images")) ? Images(options.Root).LongCount() : 1;

    private static List<(string Folder, string Split)> SplitFolders(string root) =>
        new[]
            {
                ("train", ManifestSplits.Train), ("training", ManifestSplits.Train), ("val", ManifestSplits.Valid), ("valid", ManifestSplits.Valid),
                ("validation", ManifestSplits.Valid), ("test", ManifestSplits.Test),
            }
            .Where(f => Directory.Exists(Path.Combine(root, "images", f.Item1))).ToList();

    private static IEnumerable<string> Images(string root) =>
        Directory.EnumerateFiles(Path.Combine(root, "images"), "*", SearchOption.AllDirectories)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal);

    public IEnumerable<ManifestRow> Build(BuildContext context)
    {
        var root = context.Root;
        if (!Directory.Exists(Path.Combine(root, "images")))
            throw new CxrVLException($"no 'images' folder under '{root}'; SIIM-ACR is read as images/ and annotations/ folders of the same file names.");
        var lists = context.Options.SplitLists is { } folder ? SplitLists.Read(folder) : null;
        var splitFolders = SplitFolders(root).ToDictionary(f => f.Folder, f => f.Split, StringComparer.Ordinal);
        foreach (var file in Images(root))
        {
            context.Advance();
            var relative = SourceFiles.Relative(root, file);
            var inner = relative["images/".Length..];
            var stem = Path.GetFileNameWithoutExtension(file);
            var sub = inner.Contains('/') ? inner[..inner.IndexOf('/')] : null;
            var maskRelative = Path.ChangeExtension($"annotations/{inner}", ".png");
            var image = context.Image(relative, stem);
            if (File.Exists(Path.Combine(root, maskRelative)))
            {
                image = image with { Masks = [new ManifestMask("Pneumothorax", maskRelative)] };
                context.Counts.Add("masks");
            }
            else
            {
                context.Counts.Add("images_without_mask");
            }
            yield return new ManifestRow
            {
                Dataset = Name,
                SubjectId = stem,
                StudyId = inner,
                Split = sub is not null && splitFolders.TryGetValue(sub, out var split)
                    ? split
                    : lists?.SplitOf(stem) ?? lists?.SplitOf(Path.GetFileName(file)) ?? lists?.SplitOf(inner),
                Images = [image],
                Fractions = lists?.FractionsOf(stem) ?? lists?.FractionsOf(Path.GetFileName(file)),
            };
        }
    }
}
