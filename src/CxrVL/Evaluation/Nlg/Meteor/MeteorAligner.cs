namespace CxrVL.Evaluation.Nlg.Meteor;

/// <summary>The matching stages METEOR 1.5 runs for English, in its order.</summary>
public enum MeteorModule
{
    Exact,
    Stem,
    Synonym,
}

/// <summary>One word of the hypothesis aligned to one word of the reference by a module.</summary>
public readonly record struct MeteorMatch(int Hypothesis, int Reference, int ModuleIndex);

/// <summary>
/// METEOR 1.5's word aligner (<c>Aligner.align</c> and <c>resolve</c>), reproduced step for step so that ties fall as
/// the jar lets them fall:
/// <list type="number">
/// <item>each module in turn lists its candidate pairs, reference word by reference word, hypothesis words in order
/// (stem and synonym pairs only between different words);</item>
/// <item>a pair that is the only candidate of both its words is fixed;</item>
/// <item>a beam search of width 40 walks the reference left to right, either taking an unused candidate or skipping,
/// and ranks partial alignments by the words they cover, then fewer chunks, then a smaller summed position distance.
/// Coverage is counted as the jar counts it: an integer to which each match adds its module's search weight (1 for
/// exact, 0.5 for the others) with Java's truncating <c>+=</c>, so only exact matches raise it; the distance of a new
/// match is added to the path it branched from (the skip), not to the new path. Paths of equal rank keep their order
/// (Java's stable sort). Sentences that are word-for-word identical use the exact module only.</item>
/// </list>
/// </summary>
public sealed class MeteorAligner
{
    private const int BeamSize = 40;

    private readonly IReadOnlyList<MeteorModule> modules;
    private readonly WordNetSynonyms? synonyms;

    public MeteorAligner(IReadOnlyList<MeteorModule> modules, WordNetSynonyms? synonyms)
    {
        if (modules.Contains(MeteorModule.Synonym) && synonyms is null)
            throw new ArgumentException("the synonym module needs a WordNet database", nameof(synonyms));
        this.modules = modules;
        this.synonyms = synonyms;
    }

    public IReadOnlyList<MeteorModule> Modules => modules;

    /// <summary>The chosen matches, one per aligned reference word, in reference order.</summary>
    public IReadOnlyList<MeteorMatch> Align(string[] hypothesis, string[] reference)
    {
        var candidates = Enumerable.Range(0, reference.Length).Select(_ => new List<MeteorMatch>()).ToArray();
        var hypothesisCoverage = new int[hypothesis.Length];
        var referenceCoverage = new int[reference.Length];
        var modulesUsed = hypothesis.SequenceEqual(reference, StringComparer.Ordinal) ? 1 : modules.Count;
        for (var moduleIndex = 0; moduleIndex < modulesUsed; moduleIndex++)
        {
            var matches = Matcher(modules[moduleIndex], hypothesis, reference);
            for (var j = 0; j < reference.Length; j++)
            {
                for (var i = 0; i < hypothesis.Length; i++)
                {
                    if (!matches(i, j))
                        continue;
                    candidates[j].Add(new MeteorMatch(i, j, moduleIndex));
                    hypothesisCoverage[i]++;
                    referenceCoverage[j]++;
                }
            }
        }

        var start = new Path(hypothesis.Length, reference.Length);
        foreach (var list in candidates)
        {
            if (list.Count == 1 && referenceCoverage[list[0].Reference] == 1 && hypothesisCoverage[list[0].Hypothesis] == 1)
                start.Use(list[0]);
        }
        var best = Resolve(candidates, start);
        return best.Matches.Where(m => m is not null).Select(m => m!.Value).ToList();
    }

    private Func<int, int, bool> Matcher(MeteorModule module, string[] hypothesis, string[] reference)
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
                    // Single-word matches only: the fixed match at this position.
                    if (path.Matches[current] is { } fixedMatch)
                    {
                        path.Advance(fixedMatch, SearchWeight(fixedMatch.ModuleIndex));
                        path.Distance += Math.Abs(fixedMatch.Reference - fixedMatch.Hypothesis);
                        next.Add(path);
                    }
                    continue;
                }
                foreach (var match in candidates[current])
                {
                    if (path.HypothesisUsed[match.Hypothesis])
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
        };

        public void Use(MeteorMatch match)
        {
            Matches[match.Reference] = match;
            HypothesisUsed[match.Hypothesis] = true;
            ReferenceUsed[match.Reference] = true;
        }

        public void Advance(MeteorMatch match, double searchWeight)
        {
            // Java's int += double truncates: (int)(covered + 0.5) leaves an integer unchanged.
            Covered1 = (int)(Covered1 + searchWeight);
            Covered2 = (int)(Covered2 + searchWeight);
            if (LastMatchEnd != -1 && match.Hypothesis != LastMatchEnd)
                Chunks++;
            LastMatchEnd = match.Hypothesis + 1;
        }
    }
}
