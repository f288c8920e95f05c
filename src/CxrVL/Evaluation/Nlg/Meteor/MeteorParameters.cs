namespace CxrVL.Evaluation.Nlg.Meteor;

/// <summary>
/// The scoring parameters of METEOR 1.5. <see cref="English"/> is the jar's default for <c>-l en</c>: the "rank" task
/// (<c>Constants.TASK_DEFAULT = TASK_RANK</c>), <c>PARAM_RANK</c> English row α 0.85, β 0.20, γ 0.60, δ 0.75 and
/// <c>WEIGHT_RANK</c> English row 1.0 (exact), 0.6 (stem), 0.8 (synonym), 0.6 (paraphrase), in
/// <c>src/edu/cmu/meteor/util/Constants.java</c> of METEOR 1.5 (github.com/cmu-mtlab/meteor).
/// </summary>
/// <param name="Alpha">weight of recall against precision in the harmonic mean</param>
/// <param name="Beta">exponent of the fragmentation</param>
/// <param name="Gamma">largest fragmentation penalty</param>
/// <param name="Delta">weight of content words against function words (1 - δ)</param>
public sealed record MeteorParameters(double Alpha, double Beta, double Gamma, double Delta, IReadOnlyDictionary<MeteorModule, double> ModuleWeights)
{
    public static MeteorParameters English { get; } = new(0.85, 0.20, 0.60, 0.75, new Dictionary<MeteorModule, double>
    {
        [MeteorModule.Exact] = 1.0,
        [MeteorModule.Stem] = 0.6,
        [MeteorModule.Synonym] = 0.8,
        [MeteorModule.Paraphrase] = 0.6,
    });

    /// <summary>
    /// METEOR's English function words (<c>resources/function/english.words</c> of METEOR 1.5: the most frequent words
    /// of its training corpus, punctuation included), which δ weighs against the others.
    /// </summary>
    public static IReadOnlySet<string> EnglishFunctionWords { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "the", ",", ".", "to", "of", "and", "a", "in", "that", "for", "\"", "is", "on", "'s", "it", "with", "was", "as",
        "said", "at", "he", "by", "be", "from", "have", "has", "are", "his", "but", "an", "this", "not", "i", "will", "’",
        "they", ")", "-rrb-", "(", "-lrb-", "who", "their", "had", "we", "which", "were", "been", "more", "or", "s", "its",
        "would", "about", "new", "one", "after", "you", ":", "also", "up", "when", "there", "than", "$", "all", "out",
        "her", "people", "she", "year", "two", "-", "can", "if", "last", "first", "“", "over", "other", "”", "into",
        "some", "what", "so", "--", "no", "time", "years", "could", "?", "'t", "—", "'",
    };
}
