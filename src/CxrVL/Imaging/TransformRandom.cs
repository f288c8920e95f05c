namespace CxrVL.Imaging;

/// <summary>
/// The random stream of one sample in one epoch (SplitMix64). Derived from (seed, epoch, row) alone, so a random
/// crop or flip does not depend on which worker thread ran it or when: batches are the same for any worker count.
/// </summary>
public sealed class TransformRandom
{
    private ulong _state;

    public TransformRandom(ulong seed) => _state = seed;

    public static TransformRandom For(long seed, int epoch, long row) =>
        new(Mix(Mix(Mix((ulong)seed) ^ (ulong)(uint)epoch) ^ (ulong)row));

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, maxExclusive).</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)(((NextUInt64() >> 32) * (ulong)maxExclusive) >> 32);
    }

    public bool Chance(double probability) => NextDouble() < probability;

    /// <summary>Shuffles in place (Fisher-Yates, from the last element down).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
