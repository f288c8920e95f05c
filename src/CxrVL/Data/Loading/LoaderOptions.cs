namespace CxrVL.Data.Loading;

/// <summary>
/// How a <see cref="BatchLoader{TSample,TBatch}"/> runs (YAML: <c>data.loader.batch_size</c>, ...). Memory is fixed:
/// at most <see cref="Prefetch"/> finished or in-progress batches exist besides the one the consumer holds.
/// </summary>
public sealed class LoaderOptions
{
    public int BatchSize { get; set; } = 32;

    /// <summary>Decoding threads (bounded; each builds one batch at a time).</summary>
    public int Workers { get; set; } = 2;

    /// <summary>Batches built ahead of the consumer, the loader's memory budget; at least <see cref="Workers"/> keeps every worker busy.</summary>
    public int Prefetch { get; set; } = 4;

    /// <summary>A new order each epoch, drawn from (seed, epoch) alone.</summary>
    public bool Shuffle { get; set; } = true;

    public bool DropLast { get; set; }

    /// <summary>Skip and count bad rows (missing or corrupt image, empty report) instead of stopping at the first (<c>--skip-bad</c>).</summary>
    public bool SkipBad { get; set; }

    /// <summary>
    /// How the user of this loader turns <see cref="SkipBad"/> on, named in a bad row's error: <c>--skip-bad</c> on the
    /// commands that have it, <c>--set data.skip_bad=true</c> for a training recipe.
    /// </summary>
    public string SkipBadSwitch { get; set; } = "--skip-bad";

    public long Seed { get; set; }

    public void Validate()
    {
        if (BatchSize < 1)
            throw new CxrVLException($"data.loader.batch_size must be at least 1 (got {BatchSize}).");
        if (Workers < 1)
            throw new CxrVLException($"data.loader.workers must be at least 1 (got {Workers}).");
        if (Prefetch < 1)
            throw new CxrVLException($"data.loader.prefetch must be at least 1 (got {Prefetch}).");
    }
}
