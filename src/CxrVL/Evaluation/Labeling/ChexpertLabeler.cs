using CxrVL.Files;

namespace CxrVL.Evaluation.Labeling;

/// <summary>
/// A rule-based CheXpert labeler: the CheXpert labeler's cleaning, mention extraction (phrases with unmention
/// overlaps) and aggregation, with its NegBio dependency patterns approximated by NegEx-style trigger scopes
/// (<see cref="MentionClassifier"/>). Aggregation per observation over its mentions: one label is kept as is;
/// negative with uncertain is uncertain; otherwise positive wins over negative and uncertain. A positive or uncertain
/// "chf" or "heart failure" adds an uncertain Cardiomegaly mention. No Finding is 1 when no observation other than
/// Support Devices (including the labeler's list of other findings: emphysema, granuloma, scoliosis, ...) is
/// positive or uncertain, else blank.
/// </summary>
public sealed class ChexpertLabeler : IReportLabeler
{
    private readonly ChexpertPhrases _phrases;
    private readonly MentionClassifier _classifier;

    public ChexpertLabeler(ChexpertPhrases phrases, NegationTriggers triggers)
    {
        _phrases = phrases;
        _classifier = new MentionClassifier(triggers);
    }

    /// <summary>The labeler on the shared resources: <c>chexpert-labeler/phrases</c> and <c>negex/negex_triggers.txt</c>.</summary>
    public static ChexpertLabeler FromDataRoot() =>
        new(ChexpertPhrases.Load(DataRoots.Dataset("chexpert-labeler")),
            NegationTriggers.Load(Path.Combine(DataRoots.Dataset("negex"), "negex_triggers.txt")));

    public string Name => "rules";

    /// <summary>Labels the reports on two threads (the labeler is stateless per report).</summary>
    public IReadOnlyList<ChexpertLabels> Label(IReadOnlyList<string> reports) =>
        reports.AsParallel().AsOrdered().WithDegreeOfParallelism(2).Select(Label).ToList();

    /// <summary>Holds no native resources; disposing is part of <see cref="IReportLabeler"/> for CheXbert's model.</summary>
    public void Dispose()
    {
    }

    public ChexpertLabels Label(string report)
    {
        var mentions = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var noFinding = true;
        foreach (var sentence in ReportText.Sentences(ReportText.Clean(report)))
        {
            var tokens = ReportText.Tokens(sentence);
            var prepared = _classifier.Prepare(tokens);
            foreach (var (observation, phrases) in _phrases.Mentions)
            {
                foreach (var phrase in phrases)
                {
                    for (var at = sentence.IndexOf(phrase, StringComparison.Ordinal); at >= 0;
                         at = sentence.IndexOf(phrase, at + phrase.Length, StringComparison.Ordinal))
                    {
                        if (OverlapsUnmention(sentence, observation, at, at + phrase.Length))
                            continue;
                        var (first, end) = TokenSpan(tokens, at, at + phrase.Length);
                        var label = first < end ? _classifier.Classify(prepared, first, end, phrase) : ChexpertObservations.Positive;
                        if (observation != ChexpertObservations.SupportDevices && label != ChexpertObservations.Negative)
                            noFinding = false;
                        if (observation == ChexpertObservations.NoFinding)
                            continue;
                        if (label != ChexpertObservations.Negative && phrase is "chf" or "heart failure")
                            Add(mentions, ChexpertObservations.Cardiomegaly, ChexpertObservations.Uncertain);
                        Add(mentions, observation, label);
                    }
                }
            }
        }
        if (noFinding)
            Add(mentions, ChexpertObservations.NoFinding, ChexpertObservations.Positive);
        return new ChexpertLabels(ChexpertObservations.Names.Select(name => Aggregate(mentions.GetValueOrDefault(name))).ToList());
    }

    private static int? Aggregate(List<int>? labels)
    {
        if (labels is null)
            return null;
        if (labels.Count == 1)
            return labels[0];
        var negative = labels.Contains(ChexpertObservations.Negative);
        var uncertain = labels.Contains(ChexpertObservations.Uncertain);
        var positive = labels.Contains(ChexpertObservations.Positive);
        // The labeler's order of cases: negative with uncertain is uncertain even when a positive is also present.
        if (negative && uncertain)
            return ChexpertObservations.Uncertain;
        if (positive)
            return ChexpertObservations.Positive;
        return labels[0];
    }

    private bool OverlapsUnmention(string sentence, string observation, int start, int end)
    {
        if (!_phrases.Unmentions.TryGetValue(observation, out var unmentions))
            return false;
        foreach (var phrase in unmentions)
        {
            for (var at = sentence.IndexOf(phrase, StringComparison.Ordinal); at >= 0;
                 at = sentence.IndexOf(phrase, at + phrase.Length, StringComparison.Ordinal))
            {
                if (start < at + phrase.Length && end > at)
                    return true;
            }
        }
        return false;
    }

    private static (int First, int End) TokenSpan(IReadOnlyList<ReportText.Token> tokens, int start, int end)
    {
        var first = -1;
        var last = -1;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].End > start && tokens[i].Start < end)
            {
                if (first < 0)
                    first = i;
                last = i;
            }
        }
        return first < 0 ? (0, 0) : (first, last + 1);
    }

    private static void Add(Dictionary<string, List<int>> mentions, string observation, int label)
    {
        if (!mentions.TryGetValue(observation, out var list))
            mentions[observation] = list = [];
        list.Add(label);
    }
}
