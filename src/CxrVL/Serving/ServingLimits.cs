namespace CxrVL.Serving;

/// <summary>
/// What one request may ask of the service. Sizes are checked against each image's header before it is decoded, so a
/// small file that claims a huge image (a decompression bomb) is refused without allocating it.
/// </summary>
public sealed record ServingLimits
{
    /// <summary>Bytes of one request body (Kestrel's limit; a larger upload is refused with 413).</summary>
    public long MaxRequestBytes { get; init; } = 64L << 20;

    /// <summary>Images of one study (frontal and lateral views, and a few more).</summary>
    public int MaxImages { get; init; } = 4;

    /// <summary>Pixels along either side of an image as its header states it.</summary>
    public int MaxSide { get; init; } = 8192;

    /// <summary>Pixels of an image (width x height) as its header states it: about 800 MB decoded at 16 bits.</summary>
    public long MaxPixels { get; init; } = 50_000_000;

    /// <summary>Studies analysed at once; the rest wait in the queue.</summary>
    public int MaxConcurrent { get; init; } = 2;

    /// <summary>
    /// Images of concurrent studies encoded in one forward pass (1: each study on its own). Batches form only from studies
    /// analysed at once, so <see cref="MaxConcurrent"/> bounds them too.
    /// </summary>
    public int MaxBatch { get; init; } = 8;

    /// <summary>How long the first image of a batch waits for others before the batch is encoded, in milliseconds.</summary>
    public double BatchWaitMilliseconds { get; init; } = 2;

    /// <summary>Studies that may wait for a slot; one more is refused with 503 and Retry-After.</summary>
    public int QueueLength { get; init; } = 16;

    /// <summary>The Retry-After a refused request is given, in seconds.</summary>
    public int RetryAfterSeconds { get; init; } = 2;

    /// <summary>Nearest reports one request may ask for.</summary>
    public int MaxNearest { get; init; } = 20;
}
