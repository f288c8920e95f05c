using CxrVL.Data.Manifest;
using CxrVL.Imaging;

namespace CxrVL.Data.Loading;

/// <summary>The one call that turns manifest rows into a batch loader of <see cref="StudyBatch"/>es.</summary>
public static class StudyLoader
{
    /// <param name="rows">The rows to read (already filtered to a split or fraction).</param>
    /// <param name="root">The dataset root the rows' image paths are relative to (<see cref="ManifestInfo.Root"/>).</param>
    /// <param name="textEncoder">Report text to token ids (any tokenizer); null for image-only batches.</param>
    /// <param name="shard">This rank's slice of every batch in a data-parallel job.</param>
    public static BatchLoader<StudySample, StudyBatch> Create(IReadOnlyList<ManifestRow> rows, string root, StudyOptions options,
        LoaderOptions loader, bool train, Func<string, IReadOnlyList<int>>? textEncoder = null, DataShard? shard = null)
    {
        var source = new StudySource(rows, root, options, train, textEncoder);
        return new BatchLoader<StudySample, StudyBatch>(source, new StudyBatchCollator(options.ImageRecipe, options), loader, shard);
    }
}
