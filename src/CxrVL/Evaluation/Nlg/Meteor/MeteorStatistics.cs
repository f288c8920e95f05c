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
}
