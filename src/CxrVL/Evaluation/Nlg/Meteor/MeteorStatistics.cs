namespace CxrVL.Evaluation.Nlg.Meteor;

/// <summary>
/// METEOR's sufficient statistics of one hypothesis-reference pair, or their sum over a corpus (<c>MeteorStats</c>):
/// lengths, function-word counts, matches per module split into content and function words on each side, chunks, and
/// the unweighted matched-word counts the fragmentation uses.
/// </summary>
public sealed record MeteorStatistics(
    double HypothesisLength,
    double ReferenceLength,
    double HypothesisFunctionWords,
    double ReferenceFunctionWords,
    double[] HypothesisContentMatches,
    double[] ReferenceContentMatches,
    double[] HypothesisFunctionMatches,
    double[] ReferenceFunctionMatches,
    double Chunks)
{
    public double HypothesisMatches => HypothesisContentMatches.Sum() + HypothesisFunctionMatches.Sum();

    public double ReferenceMatches => ReferenceContentMatches.Sum() + ReferenceFunctionMatches.Sum();

    /// <summary>Every word of both sides matched in one chunk: METEOR then applies no fragmentation penalty.</summary>
    public bool IsPerfect => HypothesisMatches == HypothesisLength && ReferenceMatches == ReferenceLength && Chunks == 1;

    public static MeteorStatistics Empty(int modules) =>
        new(0, 0, 0, 0, new double[modules], new double[modules], new double[modules], new double[modules], 0);

    /// <summary>
    /// The corpus sum as <c>MeteorStats.addStats</c> forms it: every count summed, except that a perfect segment adds
    /// no chunk.
    /// </summary>
    public MeteorStatistics Add(MeteorStatistics other) => new(
        HypothesisLength + other.HypothesisLength,
        ReferenceLength + other.ReferenceLength,
        HypothesisFunctionWords + other.HypothesisFunctionWords,
        ReferenceFunctionWords + other.ReferenceFunctionWords,
        Sum(HypothesisContentMatches, other.HypothesisContentMatches),
        Sum(ReferenceContentMatches, other.ReferenceContentMatches),
        Sum(HypothesisFunctionMatches, other.HypothesisFunctionMatches),
        Sum(ReferenceFunctionMatches, other.ReferenceFunctionMatches),
        Chunks + (other.IsPerfect ? 0 : other.Chunks));

    private static double[] Sum(double[] a, double[] b) => a.Zip(b, (x, y) => x + y).ToArray();

    /// <summary>Every module METEOR 1.5 runs for English here, in slot order: statistics laid out by <see cref="WriteTo"/>.</summary>
    public static IReadOnlyList<MeteorModule> AllModules { get; } = Enum.GetValues<MeteorModule>();

    /// <summary>Values <see cref="WriteTo"/> writes: four lengths, four counts per module, chunks.</summary>
    public static int SpanLength { get; } = 4 + 4 * Enum.GetValues<MeteorModule>().Length + 1;

    /// <summary>
    /// Writes the statistics of a pair scored with <paramref name="modules"/> into a span laid out by
    /// <see cref="AllModules"/> (a module that did not run counts 0), with the chunks a corpus sum takes from it (none
    /// for a perfect pair), so that summing spans sums statistics as <see cref="Add"/> does.
    /// </summary>
    public void WriteTo(Span<double> span, IReadOnlyList<MeteorModule> modules)
    {
        span[0] = HypothesisLength;
        span[1] = ReferenceLength;
        span[2] = HypothesisFunctionWords;
        span[3] = ReferenceFunctionWords;
        for (var m = 0; m < modules.Count; m++)
        {
            var at = 4 + 4 * (int)modules[m];
            span[at] = HypothesisContentMatches[m];
            span[at + 1] = ReferenceContentMatches[m];
            span[at + 2] = HypothesisFunctionMatches[m];
            span[at + 3] = ReferenceFunctionMatches[m];
        }
        span[SpanLength - 1] = IsPerfect ? 0 : Chunks;
    }

    /// <summary>Statistics read back from a (summed) span of <see cref="WriteTo"/>, slots in <see cref="AllModules"/> order.</summary>
    public static MeteorStatistics ReadFrom(ReadOnlySpan<double> span)
    {
        static double[] Slot(ReadOnlySpan<double> span, int offset)
        {
            var values = new double[AllModules.Count];
            for (var m = 0; m < values.Length; m++)
                values[m] = span[4 + 4 * m + offset];
            return values;
        }
        return new MeteorStatistics(span[0], span[1], span[2], span[3], Slot(span, 0), Slot(span, 1), Slot(span, 2), Slot(span, 3), span[SpanLength - 1]);
    }
}
