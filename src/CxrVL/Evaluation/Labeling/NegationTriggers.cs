namespace CxrVL.Evaluation.Labeling;

/// <summary>
/// Negation and uncertainty triggers: the NegEx lexicon (<c>trigger&lt;TAB&gt;&lt;TAB&gt;[TAG]</c>, tags PREN, POST,
/// PREP, POSP, PSEU, CONJ) plus the cues of the CheXpert labeler's NegBio patterns re-expressed as word sequences.
/// Triggers are cleaned as reports are ("r/o" becomes "r or o") and split into words. See
/// <see cref="MentionClassifier"/> for how each list is used.
/// </summary>
public sealed class NegationTriggers
{
    // CheXpert's pre-negation uncertainty patterns: matched before negation ("cannot exclude X", "no new X").
    private static readonly string[] FirstUncertainBefore =
    [
        "cannot exclude", "can not exclude", "cannot be excluded", "cannot rule out", "can not rule out",
        "no evidence to rule out", "no new", "no definite", "no obvious", "not excluded",
    ];

    private static readonly string[] FirstUncertainAfter =
    [
        "cannot be excluded", "can not be excluded", "not be excluded", "not excluded", "is not excluded",
        "cannot be ruled out", "can not be ruled out", "not be ruled out",
    ];

    // CheXpert's negation patterns beyond NegEx: "resolution of X", "clear of X", "no focus of X", "X has resolved", ...
    private static readonly string[] ExtraNegationBefore =
    [
        "resolution of", "resolved", "removal of", "history of", "clear of", "clearing of", "cleared", "disappearance of",
        "drainage of", "negative for", "free of", "no focus of", "no area of", "no development of", "without development of",
        "no evidence of", "without evidence of", "no moderate to", "without", "no",
    ];

    private static readonly string[] ExtraNegationAfter =
    [
        "has resolved", "have resolved", "resolved", "has cleared", "have cleared", "cleared", "removed", "absent",
        "no longer seen", "no longer visualized", "no longer present", "not enlarged", "not significantly enlarged", "not seen", "not identified",
        "not present", "not demonstrated", "excluded", "ruled out",
    ];

    // CheXpert's post-negation uncertainty patterns: hedges before the mention, "X suspected" after it.
    private static readonly string[] ExtraUncertainBefore =
    [
        "possible", "possibly", "presumably", "probable", "questionable", "question of", "suspect", "suspected",
        "suspicious", "suspicion of", "suspicion for", "concern for", "concerning for", "worrisome for",
        "suggestion of", "favor", "favored", "consider", "considered", "differential", "secondary to", "versus", "vs",
        "borderline", "maybe", "may", "might", "could", "would", "can", "obscuring", "obscured", "obscures",
        "correlate clinically", "less likely",
    ];

    private static readonly string[] ExtraUncertainAfter =
    [
        "is suspected", "are suspected", "suspected", "is questioned", "unlikely", "less likely", "is obscured",
        "are obscured", "obscured", "poorly evaluated", "incompletely evaluated", "not well visualized",
        "not well evaluated", "not well seen", "not clearly seen", "not clearly visualized", "not appreciated",
        "could be present", "may be present", "might be present", "can be present", "could appear", "may appear",
        "not evaluated", "not visualized", "not well assessed",
    ];

    // Clause boundaries the scope of a trigger does not cross, besides the NegEx conjunctions and ; : ("no cardiomegaly with small effusions")
    private static readonly string[] ExtraTerminators = ["there", "which", "otherwise", "with"];

    private NegationTriggers(Dictionary<string, List<string>> negex)
    {
        IReadOnlyList<string[]> Words(IEnumerable<string> phrases) =>
            phrases.Select(p => ReportText.Tokens(ReportText.Clean(p)).Select(t => t.Text).ToArray())
                .Where(w => w.Length > 0)
                .DistinctBy(w => string.Join(' ', w))
                .OrderByDescending(w => w.Length)
                .ToList();

        List<string> Tag(string tag) => negex.GetValueOrDefault(tag) ?? [];

        var first = FirstUncertainBefore.ToHashSet(StringComparer.Ordinal);
        UncertainFirstBefore = Words(FirstUncertainBefore);
        UncertainFirstAfter = Words(FirstUncertainAfter.Concat(Tag("POSP")));
        NegationBefore = Words(Tag("PREN").Where(t => !first.Contains(t)).Concat(ExtraNegationBefore));
        NegationAfter = Words(Tag("POST").Where(t => t != "unlikely").Concat(ExtraNegationAfter));
        UncertainBefore = Words(Tag("PREP").Concat(ExtraUncertainBefore));
        UncertainAfter = Words(ExtraUncertainAfter);
        Pseudo = Words(Tag("PSEU"));
        Terminators = Words(Tag("CONJ").Concat(ExtraTerminators));
    }

    public IReadOnlyList<string[]> UncertainFirstBefore { get; }

    public IReadOnlyList<string[]> UncertainFirstAfter { get; }

    public IReadOnlyList<string[]> NegationBefore { get; }

    public IReadOnlyList<string[]> NegationAfter { get; }

    public IReadOnlyList<string[]> UncertainBefore { get; }

    public IReadOnlyList<string[]> UncertainAfter { get; }

    public IReadOnlyList<string[]> Pseudo { get; }

    public IReadOnlyList<string[]> Terminators { get; }

    /// <summary>Reads a NegEx trigger file (<c>negex_triggers.txt</c>).</summary>
    public static NegationTriggers Load(string negexTriggersPath)
    {
        if (!File.Exists(negexTriggersPath))
            throw new CxrVLException($"NegEx trigger file '{negexTriggersPath}' does not exist; give the path of negex_triggers.txt.");
        var byTag = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(negexTriggersPath))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            var tab = line.IndexOf('\t');
            var tagStart = line.LastIndexOf('[');
            if (tab < 0 || tagStart < tab || !line.TrimEnd().EndsWith(']'))
                throw new CxrVLException($"'{negexTriggersPath}' line {lineNumber}: expected 'trigger<TAB><TAB>[TAG]', got '{line}'.");
            var tag = line[(tagStart + 1)..line.TrimEnd().LastIndexOf(']')];
            var trigger = line[..tab].Trim().ToLowerInvariant();
            if (!byTag.TryGetValue(tag, out var list))
                byTag[tag] = list = [];
            list.Add(trigger);
        }
        return new NegationTriggers(byTag);
    }
}
