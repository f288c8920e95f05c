namespace CxrVL.Evaluation.Nlg.Meteor;

/// <summary>The matching stages METEOR 1.5 runs for English, in its order (the jar's module numbers 0-3).</summary>
public enum MeteorModule
{
    Exact,
    Stem,
    Synonym,
    Paraphrase,
}

/// <summary>
/// A span of the hypothesis aligned to a span of the reference by a module: one word each, except for paraphrase
/// matches, whose phrases can have any length on either side (the jar's <c>Match</c>).
/// </summary>
public readonly record struct MeteorMatch(int Hypothesis, int HypothesisLength, int Reference, int ReferenceLength, int ModuleIndex)
{
    public int HypothesisEnd => Hypothesis + HypothesisLength;

    public int ReferenceEnd => Reference + ReferenceLength;
}

/// <summary>
/// METEOR 1.5's aligner (<c>Aligner.align</c> and <c>resolve</c>), reproduced step for step so that ties fall as
/// the jar lets them fall:
/// <list type="number">
/// <item>each module in turn lists its candidate matches by the reference position they start at: exact, stem and
/// synonym pairs reference word by reference word, hypothesis words in order (stem and synonym pairs only between
/// different words); paraphrase matches (<see cref="ParaphraseTable"/>) first for every reference phrase found in the
/// table whose paraphrase occurs in the hypothesis, then for every hypothesis phrase whose paraphrase occurs in the
/// reference, so one pair can be listed twice;</item>
/// <item>a match that is the only one starting at its reference position, and whose words no other match covers on
/// either side, is fixed;</item>
/// <item>a beam search of width 40 walks the reference left to right, either taking an unused candidate that starts
/// there or skipping the word, and ranks partial alignments by the words they cover, then fewer chunks, then a smaller
/// summed position distance. Coverage is counted as the jar counts it: an integer to which each match adds its
/// length times its module's search weight (1 for exact, 0.5 for the others) with Java's truncating <c>+=</c>, so a
/// single-word stem, synonym or paraphrase match does not raise it and a two-word paraphrase raises it by one; the
/// distance of a new match is added to the path it branched from (the skip), not to the new path. Paths of equal rank
/// keep their order (Java's stable sort). Sentences that are word-for-word identical use the exact module only.</item>
/// </list>
/// </summary>
public sealed class MeteorAligner
{
    private const int BeamSize = 40;

    private readonly IReadOnlyList<MeteorModule> modules;
    private readonly WordNetSynonyms? synonyms;
    private readonly ParaphraseTable? paraphrases;

    public MeteorAligner(IReadOnlyList<MeteorModule> modules, WordNetSynonyms? synonyms, ParaphraseTable? paraphrases = null)
    {
        if (modules.Contains(MeteorModule.Synonym) && synonyms is null)
            throw new ArgumentException("the synonym module needs a WordNet database", nameof(synonyms));
        if (modules.Contains(MeteorModule.Paraphrase) && paraphrases is null)
            throw new ArgumentException("the paraphrase module needs a paraphrase table", nameof(paraphrases));
        this.modules = modules;
        this.synonyms = synonyms;
        this.paraphrases = paraphrases;
    }

    public IReadOnlyList<MeteorModule> Modules => modules;

    /// <summary>The chosen matches, in reference order.</summary>
    public IReadOnlyList<MeteorMatch> Align(string[] hypothesis, string[] reference)
    {
        var candidates = Enumerable.Range(0, reference.Length).Select(_ => new List<MeteorMatch>()).ToArray();
        var hypothesisCoverage = new int[hypothesis.Length];
        var referenceCoverage = new int[reference.Length];
        var modulesUsed = hypothesis.SequenceEqual(reference, StringComparer.Ordinal) ? 1 : modules.Count;
        for (var moduleIndex = 0; moduleIndex < modulesUsed; moduleIndex++)
        {
            foreach (var match in Candidates(moduleIndex, hypothesis, reference))
            {
                candidates[match.Reference].Add(match);
                for (var i = match.Hypothesis; i < match.HypothesisEnd; i++)
                    hypothesisCoverage[i]++;
                for (var j = match.Reference; j < match.ReferenceEnd; j++)
                    referenceCoverage[j]++;
            }
        }

        var start = new Path(hypothesis.Length, reference.Length);
        foreach (var list in candidates)
        {
            if (list.Count != 1)
                continue;
            var match = list[0];
            var alone = Enumerable.Range(match.Hypothesis, match.HypothesisLength).All(i => hypothesisCoverage[i] == 1)
                        && Enumerable.Range(match.Reference, match.ReferenceLength).All(j => referenceCoverage[j] == 1);
            if (alone)
                start.Use(match);
        }
        var best = Resolve(candidates, start);
        return best.Matches.Where(m => m is not null).Select(m => m!.Value).ToList();
    }

    /// <summary>A module's candidate matches in the order the jar lists them.</summary>
    private IEnumerable<MeteorMatch> Candidates(int moduleIndex, string[] hypothesis, string[] reference)
    {
        if (modules[moduleIndex] == MeteorModule.Paraphrase)
            return ParaphraseCandidates(moduleIndex, hypothesis, reference);
        var matches = WordMatcher(modules[moduleIndex], hypothesis, reference);
        return from j in Enumerable.Range(0, reference.Length)
               from i in Enumerable.Range(0, hypothesis.Length)
               where matches(i, j)
               select new MeteorMatch(i, 1, j, 1, moduleIndex);
    }

    private Func<int, int, bool> WordMatcher(MeteorModule module, string[] hypothesis, string[] reference)
    {
        switch (module)
        {
            case MeteorModule.Exact:
                return (i, j) => hypothesis[i] == reference[j];
            case MeteorModule.Stem:
                var hypothesisStems = hypothesis.Select(SnowballEnglishStemmer.Stem).ToArray();
                var referenceStems = reference.Select(SnowballEnglishStemmer.Stem).ToArray();
                return (i, j) => hypothesisStems[i] == referenceStems[j] && hypothesis[i] != reference[j];
            case MeteorModule.Synonym:
                var hypothesisSets = hypothesis.Select(synonyms!.SynsetsOf).ToArray();
                var referenceSets = reference.Select(synonyms!.SynsetsOf).ToArray();
                return (i, j) => hypothesis[i] != reference[j] && hypothesisSets[i].Overlaps(referenceSets[j]);
            default:
                throw new ArgumentOutOfRangeException(nameof(module), module, null);
        }
    }

    /// <summary>
    /// <c>ParaphraseMatcher.match</c>: reference phrases whose paraphrase occurs in the hypothesis, then hypothesis
    /// phrases whose paraphrase occurs in the reference; identical phrases are not excluded.
    /// </summary>
    private List<MeteorMatch> ParaphraseCandidates(int moduleIndex, string[] hypothesis, string[] reference)
    {
        var table = paraphrases!;
        var hypothesisIds = table.Translate(hypothesis);
        var referenceIds = table.Translate(reference);
        var matches = new List<MeteorMatch>();
        for (var j = 0; j < referenceIds.Length; j++)
        {
            foreach (var (length, record) in table.PhrasesAt(referenceIds, j))
            {
                var paraphrase = table.Paraphrase(record);
                for (var i = 0; i < hypothesisIds.Length; i++)
                {
                    if (OccursAt(hypothesisIds, i, paraphrase))
                        matches.Add(new MeteorMatch(i, paraphrase.Length, j, length, moduleIndex));
                }
            }
        }
        for (var i = 0; i < hypothesisIds.Length; i++)
        {
            foreach (var (length, record) in table.PhrasesAt(hypothesisIds, i))
            {
                var paraphrase = table.Paraphrase(record);
                for (var j = 0; j < referenceIds.Length; j++)
                {
                    if (OccursAt(referenceIds, j, paraphrase))
                        matches.Add(new MeteorMatch(i, length, j, paraphrase.Length, moduleIndex));
                }
            }
        }
        return matches;
    }

    private static bool OccursAt(int[] words, int start, ReadOnlySpan<int> phrase) =>
        start + phrase.Length <= words.Length && words.AsSpan(start, phrase.Length).SequenceEqual(phrase);

    private double SearchWeight(int moduleIndex) => modules[moduleIndex] == MeteorModule.Exact ? 1.0 : 0.5;

    private Path Resolve(List<MeteorMatch>[] candidates, Path start)
    {
        var next = new List<Path> { start };
        for (var current = 0; current <= candidates.Length; current++)
        {
            var paths = next.OrderBy(p => p, Path.Ranking).ToList();
            next = [];
            for (var rank = 0; rank < BeamSize && rank < paths.Count; rank++)
            {
                var path = paths[rank];
                if (current == candidates.Length)
                {
                    if (path.LastMatchEnd != -1)
                        path.Chunks++;
                    next.Add(path);
                    continue;
                }
                if (path.ReferenceUsed[current])
                {
                    if (current < path.NextReference)
                    {
                        // Inside a phrase match the path has taken: nothing to decide here.
                        next.Add(path);
                    }
                    else if (path.Matches[path.NextReference] is { } fixedMatch)
                    {
                        path.Advance(fixedMatch, SearchWeight(fixedMatch.ModuleIndex));
                        path.Distance += Math.Abs(fixedMatch.Reference - fixedMatch.Hypothesis);
                        next.Add(path);
                    }
                    continue;
                }
                foreach (var match in candidates[current])
                {
                    if (path.IsUsed(match))
                        continue;
                    var branch = path.Copy();
                    branch.Use(match);
                    branch.Advance(match, SearchWeight(match.ModuleIndex));
                    path.Distance += Math.Abs(match.Reference - match.Hypothesis);
                    next.Add(branch);
                }
                if (path.LastMatchEnd != -1)
                {
                    path.Chunks++;
                    path.LastMatchEnd = -1;
                }
                path.NextReference++;
                next.Add(path);
            }
            if (next.Count == 0)
                next.Add(paths[0]);
        }
        return next.OrderBy(p => p, Path.Ranking).First();
    }

    private sealed class Path
    {
        public static readonly IComparer<Path> Ranking = Comparer<Path>.Create((x, y) =>
        {
            var covered = (y.Covered1 + y.Covered2).CompareTo(x.Covered1 + x.Covered2);
            if (covered != 0)
                return covered;
            return x.Chunks != y.Chunks ? x.Chunks.CompareTo(y.Chunks) : x.Distance.CompareTo(y.Distance);
        });

        public MeteorMatch?[] Matches { get; private init; } = [];
        public bool[] HypothesisUsed { get; private init; } = [];
        public bool[] ReferenceUsed { get; private init; } = [];
        public int Covered1 { get; private set; }
        public int Covered2 { get; private set; }
        public int Chunks { get; set; }
        public int LastMatchEnd { get; set; } = -1;
        public int Distance { get; set; }

        /// <summary>The reference position the path reaches next: past the end of its last match, or of a skip.</summary>
        public int NextReference { get; set; }

        public Path(int hypothesisLength, int referenceLength)
        {
            Matches = new MeteorMatch?[referenceLength];
            HypothesisUsed = new bool[hypothesisLength];
            ReferenceUsed = new bool[referenceLength];
        }

        private Path()
        {
        }

        public Path Copy() => new()
        {
            Matches = (MeteorMatch?[])Matches.Clone(),
            HypothesisUsed = (bool[])HypothesisUsed.Clone(),
            ReferenceUsed = (bool[])ReferenceUsed.Clone(),
            Covered1 = Covered1,
            Covered2 = Covered2,
            Chunks = Chunks,
            LastMatchEnd = LastMatchEnd,
            Distance = Distance,
            NextReference = NextReference,
        };

        public bool IsUsed(MeteorMatch match) =>
            ReferenceUsed.AsSpan(match.Reference, match.ReferenceLength).Contains(true)
            || HypothesisUsed.AsSpan(match.Hypothesis, match.HypothesisLength).Contains(true);

        public void Use(MeteorMatch match)
        {
            Matches[match.Reference] = match;
            HypothesisUsed.AsSpan(match.Hypothesis, match.HypothesisLength).Fill(true);
            ReferenceUsed.AsSpan(match.Reference, match.ReferenceLength).Fill(true);
        }

        public void Advance(MeteorMatch match, double searchWeight)
        {
            // Java's int += double truncates: an integer grows by the whole part of length x weight.
            Covered1 = (int)(Covered1 + match.HypothesisLength * searchWeight);
            Covered2 = (int)(Covered2 + match.ReferenceLength * searchWeight);
            if (LastMatchEnd != -1 && match.Hypothesis != LastMatchEnd)
                Chunks++;
            LastMatchEnd = match.HypothesisEnd;
            NextReference = match.ReferenceEnd;
        }
    }
}
