using Token = CxrVL.Evaluation.Labeling.ReportText.Token;

namespace CxrVL.Evaluation.Labeling;

/// <summary>
/// Decides whether one mention in a sentence is negated, uncertain or positive, in the CheXpert labeler's order:
/// pre-negation uncertainty first ("cannot exclude X", "no new X"), then negation, then uncertainty; the first
/// stage that fires decides. The labeler matches NegBio Semgrex patterns on a dependency parse; without a parser
/// each pattern's cue becomes a NegEx-style trigger with a scope over the sentence's words:
/// <list type="bullet">
/// <item>a trigger before the mention reaches it when no clause terminator lies between them (NegEx CONJ terms
/// such as "but", "however", "aside from", plus "there", "which", "otherwise", "with", ';' and ':'; commas do not end a
/// scope, so a negated list "no effusion, pneumothorax, or consolidation" is negated throughout);</item>
/// <item>a trigger after the mention reaches it across the same scope;</item>
/// <item>NegEx pseudo-triggers ("no change", "gram negative") mask the words they cover;</item>
/// <item>"normal"/"unremarkable" negate a mention they modify across a short coordinated subject ("normal size and
/// configuration of the cardiac silhouette") or that is the subject of their predicate ("heart size normal", "the
/// heart, pulmonary xxxx and mediastinum are within normal limits", "heart size is at the upper limits of
/// normal");</item>
/// <item>"stable"/"unchanged"/"similar to prior"/"no change in" negate mentions of cardiac and mediastinal
/// contours, size and silhouette (not "cardiomegaly"), as the labeler's added rules do;</item>
/// <item>"X or Y" makes both uncertain when not negated; "vascular congestion", "pulmonary congestion",
/// "indistinctness" and "vascular prominence" are uncertain unless negated.</item>
/// </list>
/// What a parse would decide and this cannot: attachment ("no effusion and mild edema" negates both here),
/// scope through relative clauses, and passive or long-distance constructions beyond the listed phrases.
/// </summary>
internal sealed class MentionClassifier(NegationTriggers triggers)
{
    private const int SubjectWindow = 10;
    private const int PredicateWindow = 6;

    private static readonly HashSet<string> NormalWords = ["normal", "unremarkable"];

    private static readonly HashSet<string> StableWords = ["stable", "unchanged"];

    private static readonly HashSet<string> ContourWords =
    [
        "cardiomediastinal", "pericardial", "mediastinal", "mediastinum", "cardiomediastinum", "contour", "contours",
        "configuration", "silhouette", "silhouettes", "size", "heart", "shadow",
    ];

    private static readonly HashSet<string> AlwaysUncertain =
        ["vascular congestion", "pulmonary congestion", "indistinctness", "vascular prominence"];

    // A coordinated subject around the mention ("the heart, pulmonary xxxx and mediastinum are normal", "normal
    // size and configuration of the cardiac silhouette"): anatomy words, articles, "and", commas, de-identified words.
    private static readonly HashSet<string> SubjectWords =
    [
        ",", "and", "the", "of", "xxxx", "both", "overall", "size", "configuration", "contour", "contours", "silhouette",
        "silhouettes", "vascularity", "vasculature", "vascular", "pulmonary", "mediastinal", "mediastinum",
        "cardiomediastinal", "cardiac", "heart", "hilar", "hila", "lungs", "lung", "upper", "aorta", "pleural", "spaces",
    ];

    private static readonly HashSet<string> Copulas =
        ["is", "are", "was", "were", "be", "appear", "appears", "appeared", "remain", "remains", "remained", "seem", "seems", "has", "have", "been"];

    // Between the copula and "normal": "within normal limits", "at the upper limits of normal", "top normal".
    private static readonly HashSet<string> PredicateWords =
        ["within", "at", "near", "top", "upper", "limit", "limits", "of", "the", "in", "grossly", "otherwise", "again", "now", "xxxx", "and", "overall", "likely", "still"];

    /// <summary>What every mention of a sentence shares: its words, the pseudo-trigger mask and the terminators.</summary>
    public Sentence Prepare(IReadOnlyList<Token> tokens) =>
        new(tokens, Mask(tokens, triggers.Pseudo), Enumerable.Range(0, tokens.Count).Select(i => TerminatorAt(tokens, i)).ToArray());

    public int Classify(Sentence sentence, int mentionStart, int mentionEnd, string mentionText)
    {
        var (tokens, masked, terminators) = sentence;
        var (scopeStart, scopeEnd) = Scope(terminators, mentionStart, mentionEnd);

        if (Before(tokens, masked, triggers.UncertainFirstBefore, scopeStart, mentionStart)
            || After(tokens, masked, triggers.UncertainFirstAfter, mentionEnd, scopeEnd))
            return ChexpertObservations.Uncertain;

        if (Before(tokens, masked, triggers.NegationBefore, scopeStart, mentionStart)
            || After(tokens, masked, triggers.NegationAfter, mentionEnd, scopeEnd)
            || NearBefore(tokens, NormalWords, scopeStart, mentionStart)
            || PredicateAfter(tokens, NormalWords, mentionEnd, scopeEnd)
            || (IsContour(tokens, mentionStart, mentionEnd) && UnchangedContour(tokens, scopeStart, mentionStart, mentionEnd, scopeEnd)))
            return ChexpertObservations.Negative;

        if (Before(tokens, masked, triggers.UncertainBefore, scopeStart, mentionStart)
            || After(tokens, masked, triggers.UncertainAfter, mentionEnd, scopeEnd)
            || Alternative(tokens, mentionStart, mentionEnd)
            || AlwaysUncertain.Contains(mentionText))
            return ChexpertObservations.Uncertain;

        return ChexpertObservations.Positive;
    }

    private static (int Start, int End) Scope(int[] terminators, int mentionStart, int mentionEnd)
    {
        var start = 0;
        var end = terminators.Length;
        for (var i = 0; i < terminators.Length; i++)
        {
            var length = terminators[i];
            if (length == 0)
                continue;
            if (i + length <= mentionStart)
                start = Math.Max(start, i + length);
            else if (i >= mentionEnd)
                end = Math.Min(end, i);
        }
        return (start, end);
    }

    private int TerminatorAt(IReadOnlyList<Token> tokens, int i)
    {
        if (tokens[i].Text is ";" or ":")
            return 1;
        foreach (var phrase in triggers.Terminators)
        {
            if (MatchesAt(tokens, i, phrase))
                return phrase.Length;
        }
        return 0;
    }

    private static bool[] Mask(IReadOnlyList<Token> tokens, IReadOnlyList<string[]> pseudo)
    {
        var masked = new bool[tokens.Count];
        for (var i = 0; i < tokens.Count; i++)
        {
            foreach (var phrase in pseudo)
            {
                if (MatchesAt(tokens, i, phrase))
                    Array.Fill(masked, true, i, phrase.Length);
            }
        }
        return masked;
    }

    /// <summary>A trigger lying wholly in [from, to) and on no masked word.</summary>
    private static bool Before(IReadOnlyList<Token> tokens, bool[] masked, IReadOnlyList<string[]> phrases, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            foreach (var phrase in phrases)
            {
                if (i + phrase.Length <= to && MatchesAt(tokens, i, phrase) && !masked.AsSpan(i, phrase.Length).Contains(true))
                    return true;
            }
        }
        return false;
    }

    private static bool After(IReadOnlyList<Token> tokens, bool[] masked, IReadOnlyList<string[]> phrases, int from, int to) =>
        Before(tokens, masked, phrases, from, to);

    /// <summary>The word before the mention, across at most a few words of a coordinated subject.</summary>
    private static bool NearBefore(IReadOnlyList<Token> tokens, HashSet<string> words, int scopeStart, int mentionStart)
    {
        for (var i = mentionStart - 1; i >= Math.Max(scopeStart, mentionStart - 1 - SubjectWindow); i--)
        {
            if (words.Contains(tokens[i].Text))
                return true;
            if (!SubjectWords.Contains(tokens[i].Text) || tokens[i].Text == ",")
                return false;
        }
        return false;
    }

    /// <summary>The word as the predicate of a clause whose subject holds the mention: "X (and Y) (is) (within) normal".</summary>
    private static bool PredicateAfter(IReadOnlyList<Token> tokens, HashSet<string> words, int mentionEnd, int scopeEnd)
    {
        var i = mentionEnd;
        var limit = Math.Min(scopeEnd, mentionEnd + SubjectWindow + PredicateWindow);
        while (i < limit && SubjectWords.Contains(tokens[i].Text) && i < mentionEnd + SubjectWindow)
            i++;
        while (i < limit && Copulas.Contains(tokens[i].Text))
            i++;
        for (; i < limit; i++)
        {
            if (words.Contains(tokens[i].Text))
                return true;
            if (!PredicateWords.Contains(tokens[i].Text))
                return false;
        }
        return false;
    }

    private static bool IsContour(IReadOnlyList<Token> tokens, int mentionStart, int mentionEnd)
    {
        for (var i = mentionStart; i < mentionEnd; i++)
        {
            if (ContourWords.Contains(tokens[i].Text))
                return true;
        }
        return false;
    }

    private static bool UnchangedContour(IReadOnlyList<Token> tokens, int scopeStart, int mentionStart, int mentionEnd, int scopeEnd)
    {
        if (NearBefore(tokens, StableWords, scopeStart, mentionStart) || PredicateAfter(tokens, StableWords, mentionEnd, scopeEnd))
            return true;
        string[][] before = [["no", "change", "in"], ["no", "interval", "change", "in"], ["no", "significant", "change", "in"]];
        string[][] after = [["not", "changed"], ["similar", "to", "prior"], ["similar", "to", "the", "prior"]];
        for (var i = scopeStart; i < mentionStart; i++)
        {
            if (before.Any(p => i + p.Length <= mentionStart && MatchesAt(tokens, i, p)))
                return true;
        }
        for (var i = mentionEnd; i < Math.Min(scopeEnd, mentionEnd + PredicateWindow); i++)
        {
            if (after.Any(p => MatchesAt(tokens, i, p)))
                return true;
        }
        return false;
    }

    /// <summary>"X or Y": the word "or" right after the mention (a comma may come first) or right before it.</summary>
    private static bool Alternative(IReadOnlyList<Token> tokens, int mentionStart, int mentionEnd)
    {
        if (mentionStart > 0 && tokens[mentionStart - 1].Text == "or")
            return true;
        var next = mentionEnd < tokens.Count && tokens[mentionEnd].Text == "," ? mentionEnd + 1 : mentionEnd;
        return next < tokens.Count && tokens[next].Text == "or";
    }

    internal sealed record Sentence(IReadOnlyList<Token> Tokens, bool[] Masked, int[] Terminators);

    private static bool MatchesAt(IReadOnlyList<Token> tokens, int i, string[] phrase)
    {
        if (i + phrase.Length > tokens.Count)
            return false;
        for (var k = 0; k < phrase.Length; k++)
        {
            if (!string.Equals(tokens[i + k].Text, phrase[k], StringComparison.Ordinal))
                return false;
        }
        return true;
    }
}
