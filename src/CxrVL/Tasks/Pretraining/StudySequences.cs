using CxrVL.Data.Manifest;
using CxrVL.Imaging;

namespace CxrVL.Tasks.Pretraining;

/// <summary>
/// MedST's temporal chunking: each patient's studies in time order (manifest <c>order</c>, then <c>study_time</c>, then
/// study id: MIMIC StudyDate + StudyTime, COVID <c>offset</c> days), cut into consecutive chunks of at most
/// <c>length</c> studies; and the batches of whole chunks an epoch is read in.
/// </summary>
public static class StudySequences
{
    /// <summary>Row indices of each chunk, oldest study first; patients in order of first appearance.</summary>
    public static List<int[]> Chunks(IReadOnlyList<ManifestRow> rows, int length)
    {
        if (length < 1)
            throw new CxrVLException($"sequence length must be at least 1 (got {length}).");
        return PatientTimelines.Of(rows).SelectMany(timeline => timeline.Chunk(length)).ToList();
    }

    /// <summary>Batches in one epoch: as many as <see cref="Plan"/> makes.</summary>
    public static int BatchCount(int chunks, int perBatch, bool train) =>
        chunks == 0 ? 0 : train ? Math.Max(1, chunks / perBatch) : (chunks + perBatch - 1) / perBatch;

    /// <summary>
    /// The chunks of each batch in an epoch. Complete chunks (of <paramref name="length"/>) lead each batch (their pairs
    /// come first, as the temporal loss expects). Training draws the order from (seed, epoch), spreads the complete
    /// chunks evenly over the batches, so every batch has temporal pairs where possible, and leaves out the chunks
    /// that do not fill a last batch (never complete ones while a batch has room); evaluation keeps the chunks in order.
    /// Every batch but the last holds exactly <paramref name="perBatch"/> chunks.
    /// </summary>
    public static List<List<int>> Plan(IReadOnlyList<int[]> chunks, int length, int perBatch, bool train, long seed, int epoch)
    {
        if (perBatch < 1)
            throw new CxrVLException($"train.batch_size (sequences per batch) must be at least 1 (got {perBatch}).");
        var count = BatchCount(chunks.Count, perBatch, train);
        if (!train)
            return Enumerable.Range(0, count)
                .Select(b => Enumerable.Range(b * perBatch, Math.Min(perBatch, chunks.Count - b * perBatch))
                    .OrderBy(c => chunks[c].Length == length ? 0 : 1).ToList())
                .ToList();
        var random = TransformRandom.For(seed, epoch, -2);
        var complete = Shuffled(Enumerable.Range(0, chunks.Count).Where(c => chunks[c].Length == length).ToArray(), random);
        var partial = Shuffled(Enumerable.Range(0, chunks.Count).Where(c => chunks[c].Length != length).ToArray(), random);
        var batches = Enumerable.Range(0, count).Select(_ => new List<int>(perBatch)).ToList();
        var dealt = 0;
        for (; dealt < complete.Length && dealt < count * perBatch; dealt++)
            batches[dealt % count].Add(complete[dealt]);
        var rest = complete[dealt..].Concat(partial).GetEnumerator();
        foreach (var batch in batches)
        {
            while (batch.Count < perBatch && rest.MoveNext())
                batch.Add(rest.Current);
        }
        return batches;
    }

    private static int[] Shuffled(int[] items, TransformRandom random)
    {
        random.Shuffle<int>(items);
        return items;
    }
}
