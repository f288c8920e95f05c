namespace CxrVL.Data.Loading;

/// <summary>
/// This rank's part of every batch in a data-parallel job: batch k of the epoch's (seed, epoch) order is split into
/// <see cref="Count"/> contiguous slices and the rank reads slice <see cref="Index"/>. All ranks together read exactly the
/// batches one process would, so the batch order, the augmentation of each sample and a checkpoint's data position do
/// not depend on the number of ranks.
/// </summary>
public readonly record struct DataShard(int Index, int Count)
{
    public static DataShard Whole => new(0, 1);

    /// <summary>The positions [first, last) of this rank's slice of the batch at positions [first, last).</summary>
    public (int First, int Last) Slice(int first, int last)
    {
        var size = last - first;
        return (first + (int)((long)size * Index / Count), first + (int)((long)size * (Index + 1) / Count));
    }
}
