namespace CxrVL.Evaluation.Nlg.Meteor;

/// <summary>One corpus METEOR score, every sample's own score, and the modules that ran.</summary>
public sealed record MeteorResult(double Corpus, IReadOnlyList<double> Segments, IReadOnlyList<MeteorModule> Modules);

/// <summary>
/// METEOR 1.5 without Java, as pycocoevalcap's wrapper (vendored by R2Gen and XProNet) runs the jar:
/// <c>-l en -norm</c>, each sample sent as <c>SCORE ||| refs ||| hypothesis</c>, the statistics of the reference
/// whose score is highest kept (the first on a tie), and the corpus score read from <c>EVAL</c>: the score of the
/// summed statistics, not the mean of the samples' scores. Per pair (<c>MeteorScorer.computeMetrics</c>):
/// <list type="bullet">
/// <item>weighted length = δ·content words + (1-δ)·function words, on each side;</item>
/// <item>weighted matches = Σ over modules of the module weight × (δ·content matches + (1-δ)·function matches);</item>
/// <item>P and R = weighted matches / weighted length of the hypothesis and the reference;
/// Fmean = 1 / ((1-α)/P + α/R);</item>
/// <item>frag = chunks / mean(matched hypothesis words, matched reference words), 0 when everything matches in one
/// chunk; penalty = γ·frag^β; score = max(0, Fmean·(1 - penalty)), 0 when undefined (no match, empty text).</item>
/// </list>
/// Modules are exact, stem (Snowball English), synonym (WordNet) and paraphrase (METEOR's table, when the user gives
/// it); a paraphrase match counts every word of its phrases. A module without its data does not run, and scores can
/// then be lower than the jar's wherever it would have matched words the other modules leave unmatched.
/// </summary>
public sealed class MeteorScorer
{
    private readonly MeteorAligner aligner;
    private readonly MeteorParameters parameters;
    private readonly IReadOnlySet<string> functionWords;

    public MeteorScorer(MeteorAligner aligner, MeteorParameters? parameters = null, IReadOnlySet<string>? functionWords = null)
    {
        this.aligner = aligner;
        this.parameters = parameters ?? MeteorParameters.English;
        this.functionWords = functionWords ?? MeteorParameters.EnglishFunctionWords;
    }

    public IReadOnlyList<MeteorModule> Modules => aligner.Modules;

    /// <summary>
    /// METEOR 1.5's English modules with what is available: exact and stem always; synonym when the WordNet database
    /// is found (<paramref name="wordNetDirectory"/>, else <see cref="WordNetSynonyms.DirectoryVariable"/>, else
    /// <see cref="WordNetSynonyms.DefaultDirectory"/>); paraphrase when a paraphrase table is given
    /// (<paramref name="paraphraseFile"/>, else <see cref="ParaphraseTable.FileVariable"/>). <paramref name="skipped"/>
    /// says which modules did not run and why, or is null when all four ran.
    /// </summary>
    public static MeteorScorer ForEnglish(string? wordNetDirectory, string? paraphraseFile, out string? skipped)
    {
        var modules = new List<MeteorModule> { MeteorModule.Exact, MeteorModule.Stem };
        var reasons = new List<string>();
        WordNetSynonyms? synonyms = null;
        var directory = WordNetSynonyms.ResolveDirectory(wordNetDirectory);
        if (WordNetSynonyms.IsPresent(directory) || wordNetDirectory is not null)
        {
            synonyms = WordNetSynonyms.Load(directory); // names what is missing in a folder the user gave
            modules.Add(MeteorModule.Synonym);
        }
        else
        {
            reasons.Add($"synonym module skipped: no WordNet 3.0 database in {directory} (install Debian's wordnet-base or set {WordNetSynonyms.DirectoryVariable})");
        }
        ParaphraseTable? paraphrases = null;
        if (ParaphraseTable.ResolveFile(paraphraseFile) is { } file)
        {
            paraphrases = ParaphraseTable.Load(file);
            modules.Add(MeteorModule.Paraphrase);
        }
        else
        {
            reasons.Add($"paraphrase module skipped: no paraphrase table given (METEOR 1.5's data/paraphrase-en.gz: --meteor-paraphrase or {ParaphraseTable.FileVariable})");
        }
        skipped = reasons.Count == 0 ? null : string.Join("; ", reasons);
        return new MeteorScorer(new MeteorAligner(modules, synonyms, paraphrases));
    }

    public MeteorResult Score(IReadOnlyList<NlgSample> samples)
    {
        var total = MeteorStatistics.Empty(Modules.Count);
        var segments = new List<double>(samples.Count);
        foreach (var sample in samples)
        {
            var statistics = BestReference(sample.Prediction, sample.References);
            segments.Add(Score(statistics));
            total = total.Add(statistics);
        }
        return new MeteorResult(Score(total), segments, Modules);
    }

    /// <summary>The statistics against the reference that scores highest (the first of equals).</summary>
    public MeteorStatistics BestReference(string hypothesis, IReadOnlyList<string> references)
    {
        // pycocoevalcap removes "|||" and one level of double spaces from the hypothesis; the jar splits the line on
        // "|||" and trims each part.
        var tokens = MeteorNormalizer.Tokens(hypothesis.Replace("|||", "", StringComparison.Ordinal).Replace("  ", " ", StringComparison.Ordinal));
        MeteorStatistics? best = null;
        var bestScore = -1.0;
        foreach (var reference in references)
        {
            var statistics = Statistics(tokens, MeteorNormalizer.Tokens(reference));
            var score = Score(statistics);
            if (score > bestScore)
                (best, bestScore) = (statistics, score);
        }
        return best ?? throw new ArgumentException("at least one reference is needed", nameof(references));
    }

    public MeteorStatistics Statistics(string[] hypothesis, string[] reference)
    {
        var matches = aligner.Align(hypothesis, reference);
        var modules = Modules.Count;
        var hypothesisContent = new double[modules];
        var referenceContent = new double[modules];
        var hypothesisFunction = new double[modules];
        var referenceFunction = new double[modules];
        foreach (var match in matches)
        {
            for (var i = match.Hypothesis; i < match.HypothesisEnd; i++)
                (functionWords.Contains(hypothesis[i]) ? hypothesisFunction : hypothesisContent)[match.ModuleIndex]++;
            for (var j = match.Reference; j < match.ReferenceEnd; j++)
                (functionWords.Contains(reference[j]) ? referenceFunction : referenceContent)[match.ModuleIndex]++;
        }
        return new MeteorStatistics(hypothesis.Length, reference.Length,
            hypothesis.Count(functionWords.Contains), reference.Count(functionWords.Contains),
            hypothesisContent, referenceContent, hypothesisFunction, referenceFunction, Chunks(matches));
    }

    // A chunk is a run of matches adjacent in both texts (Aligner.getCountAndChunks); matches come in reference order.
    private static int Chunks(IReadOnlyList<MeteorMatch> matches)
    {
        var chunks = 0;
        for (var k = 0; k < matches.Count; k++)
        {
            if (k == 0 || matches[k].Reference != matches[k - 1].ReferenceEnd || matches[k].Hypothesis != matches[k - 1].HypothesisEnd)
                chunks++;
        }
        return chunks;
    }

    public double Score(MeteorStatistics s) => Score(s, parameters, Modules);

    /// <summary>The score of statistics whose module slots follow <paramref name="modules"/>.</summary>
    public static double Score(MeteorStatistics s, MeteorParameters parameters, IReadOnlyList<MeteorModule> modules)
    {
        var delta = parameters.Delta;
        var weights = modules.Select(m => parameters.ModuleWeights[m]).ToArray();
        var hypothesisLength = delta * (s.HypothesisLength - s.HypothesisFunctionWords) + (1 - delta) * s.HypothesisFunctionWords;
        var referenceLength = delta * (s.ReferenceLength - s.ReferenceFunctionWords) + (1 - delta) * s.ReferenceFunctionWords;
        double hypothesisMatches = 0, referenceMatches = 0;
        for (var m = 0; m < weights.Length; m++)
        {
            hypothesisMatches += weights[m] * (delta * s.HypothesisContentMatches[m] + (1 - delta) * s.HypothesisFunctionMatches[m]);
            referenceMatches += weights[m] * (delta * s.ReferenceContentMatches[m] + (1 - delta) * s.ReferenceFunctionMatches[m]);
        }
        var precision = hypothesisMatches / hypothesisLength;
        var recall = referenceMatches / referenceLength;
        var fMean = 1.0 / ((1.0 - parameters.Alpha) / precision + parameters.Alpha / recall);
        var fragmentation = s.IsPerfect ? 0 : s.Chunks / ((s.HypothesisMatches + s.ReferenceMatches) / 2);
        var score = fMean * (1.0 - parameters.Gamma * Math.Pow(fragmentation, parameters.Beta));
        return double.IsNaN(score) ? 0 : Math.Max(score, 0);
    }
}
