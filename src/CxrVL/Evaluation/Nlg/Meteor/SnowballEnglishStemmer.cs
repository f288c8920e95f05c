using System.Text;

namespace CxrVL.Evaluation.Nlg.Meteor;

/// <summary>
/// The Snowball English ("Porter2") stemmer, written from the algorithm's published description
/// (snowballstem.org/algorithms/english): METEOR 1.5's stem module calls the Snowball <c>englishStemmer</c>
/// (<c>Constants.newStemmer</c>), whose suffix tables are those of Debian's python3-snowballstemmer 2.2, against which
/// the tests check every word of the IU X-Ray reports. Input is expected in lower case, as METEOR lower-cases first.
/// </summary>
public static class SnowballEnglishStemmer
{
    private static readonly Dictionary<string, string> WholeWordExceptions = new(StringComparer.Ordinal)
    {
        ["skis"] = "ski", ["skies"] = "sky", ["dying"] = "die", ["lying"] = "lie", ["tying"] = "tie",
        ["idly"] = "idl", ["gently"] = "gentl", ["ugly"] = "ugli", ["early"] = "earli", ["only"] = "onli",
        ["singly"] = "singl",
        ["sky"] = "sky", ["news"] = "news", ["howe"] = "howe", ["atlas"] = "atlas", ["cosmos"] = "cosmos",
        ["bias"] = "bias", ["andes"] = "andes",
    };

    // Words left as they are once step 1a has run.
    private static readonly HashSet<string> AfterStep1aExceptions =
        ["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"];

    private static readonly string[] Step2Suffixes =
    [
        "ational", "fulness", "iveness", "ization", "ousness", "biliti", "lessli", "tional", "alism", "aliti",
        "ation", "entli", "fulli", "iviti", "ousli", "abli", "alli", "anci", "ator", "enci", "izer", "bli", "ogi", "li",
    ];

    private static readonly string[] Step3Suffixes = ["ational", "tional", "alize", "icate", "iciti", "ative", "ical", "ness", "ful"];

    private static readonly string[] Step4Suffixes =
    [
        "ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion",
        "al", "er", "ic",
    ];

    public static string Stem(string word)
    {
        if (WholeWordExceptions.TryGetValue(word, out var exception))
            return exception;
        if (word.Length < 3)
            return word;
        var w = new StringBuilder(word.StartsWith('\'') ? word[1..] : word);
        MarkConsonantYs(w);
        var (r1, r2) = Regions(w);

        Step1a(w);
        if (!AfterStep1aExceptions.Contains(w.ToString()))
        {
            Step1b(w, r1);
            Step1c(w);
            Step2(w, r1);
            Step3(w, r1, r2);
            Step4(w, r2);
            Step5(w, r1, r2);
        }
        return w.ToString().Replace('Y', 'y');
    }

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y';

    private static bool IsDouble(string end) => end is "bb" or "dd" or "ff" or "gg" or "mm" or "nn" or "pp" or "rr" or "tt";

    private static bool IsValidLiEnding(char c) => c is 'c' or 'd' or 'e' or 'g' or 'h' or 'k' or 'm' or 'n' or 'r' or 't';

    // An initial y, and a y after a vowel, is a consonant: written Y until the end.
    private static void MarkConsonantYs(StringBuilder w)
    {
        if (w.Length > 0 && w[0] == 'y')
            w[0] = 'Y';
        for (var i = 1; i < w.Length; i++)
        {
            if (w[i] == 'y' && IsVowel(w[i - 1]))
                w[i] = 'Y';
        }
    }

    // R1 starts after the first non-vowel that follows a vowel (or after gener/commun/arsen); R2 the same inside R1.
    private static (int R1, int R2) Regions(StringBuilder w)
    {
        var text = w.ToString();
        var prefix = new[] { "gener", "commun", "arsen" }.FirstOrDefault(text.StartsWith);
        var r1 = prefix?.Length ?? AfterVowelThenNonVowel(text, 0);
        return (r1, AfterVowelThenNonVowel(text, r1));
    }

    private static int AfterVowelThenNonVowel(string text, int from)
    {
        for (var i = from + 1; i < text.Length; i++)
        {
            if (!IsVowel(text[i]) && IsVowel(text[i - 1]))
                return i + 1;
        }
        return text.Length;
    }

    private static bool ContainsVowel(StringBuilder w, int end)
    {
        for (var i = 0; i < end; i++)
        {
            if (IsVowel(w[i]))
                return true;
        }
        return false;
    }

    // A short syllable ending at `end`: non-vowel (not w, x or Y), vowel, non-vowel; or vowel, non-vowel at the start.
    private static bool EndsWithShortSyllable(StringBuilder w, int end)
    {
        if (end >= 3 && !IsVowel(w[end - 1]) && w[end - 1] is not ('w' or 'x' or 'Y') && IsVowel(w[end - 2]) && !IsVowel(w[end - 3]))
            return true;
        return end == 2 && IsVowel(w[0]) && !IsVowel(w[1]);
    }

    private static bool EndsWith(StringBuilder w, string suffix)
    {
        if (suffix.Length > w.Length)
            return false;
        for (var i = 0; i < suffix.Length; i++)
        {
            if (w[w.Length - suffix.Length + i] != suffix[i])
                return false;
        }
        return true;
    }

    private static void Replace(StringBuilder w, int suffixLength, string replacement)
    {
        w.Length -= suffixLength;
        w.Append(replacement);
    }

    private static string? LongestSuffix(StringBuilder w, string[] suffixes) =>
        suffixes.Where(s => EndsWith(w, s)).MaxBy(s => s.Length);

    private static void Step1a(StringBuilder w)
    {
        var apostrophe = new[] { "'s'", "'s", "'" }.FirstOrDefault(s => EndsWith(w, s));
        if (apostrophe is not null)
            w.Length -= apostrophe.Length;

        if (EndsWith(w, "sses"))
            Replace(w, 4, "ss");
        else if (EndsWith(w, "ied") || EndsWith(w, "ies"))
            Replace(w, 3, w.Length > 4 ? "i" : "ie");
        else if (EndsWith(w, "us") || EndsWith(w, "ss"))
            return;
        else if (EndsWith(w, "s") && ContainsVowel(w, w.Length - 2))
            w.Length -= 1;
    }

    private static void Step1b(StringBuilder w, int r1)
    {
        var suffix = LongestSuffix(w, ["eedly", "ingly", "edly", "eed", "ing", "ed"]);
        if (suffix is null)
            return;
        var stemEnd = w.Length - suffix.Length;
        if (suffix is "eed" or "eedly")
        {
            if (stemEnd >= r1)
                Replace(w, suffix.Length, "ee");
            return;
        }
        if (!ContainsVowel(w, stemEnd))
            return;
        w.Length = stemEnd;
        if (EndsWith(w, "at") || EndsWith(w, "bl") || EndsWith(w, "iz"))
            w.Append('e');
        else if (w.Length >= 2 && IsDouble(w.ToString(w.Length - 2, 2)))
            w.Length -= 1;
        else if (w.Length == r1 && EndsWithShortSyllable(w, w.Length))
            w.Append('e');
    }

    private static void Step1c(StringBuilder w)
    {
        var n = w.Length;
        if (n >= 3 && w[n - 1] is 'y' or 'Y' && !IsVowel(w[n - 2]))
            w[n - 1] = 'i';
    }

    private static void Step2(StringBuilder w, int r1)
    {
        var suffix = LongestSuffix(w, Step2Suffixes);
        if (suffix is null || w.Length - suffix.Length < r1)
            return;
        var before = w.Length - suffix.Length;
        switch (suffix)
        {
            case "tional": Replace(w, 6, "tion"); break;
            case "enci": Replace(w, 4, "ence"); break;
            case "anci": Replace(w, 4, "ance"); break;
            case "abli": Replace(w, 4, "able"); break;
            case "entli": Replace(w, 5, "ent"); break;
            case "izer" or "ization": Replace(w, suffix.Length, "ize"); break;
            case "ational" or "ation" or "ator": Replace(w, suffix.Length, "ate"); break;
            case "alism" or "aliti" or "alli": Replace(w, suffix.Length, "al"); break;
            case "fulness": Replace(w, 7, "ful"); break;
            case "ousli" or "ousness": Replace(w, suffix.Length, "ous"); break;
            case "iveness" or "iviti": Replace(w, suffix.Length, "ive"); break;
            case "biliti" or "bli": Replace(w, suffix.Length, "ble"); break;
            case "ogi" when before > 0 && w[before - 1] == 'l': Replace(w, 3, "og"); break;
            case "fulli": Replace(w, 5, "ful"); break;
            case "lessli": Replace(w, 6, "less"); break;
            case "li" when before > 0 && IsValidLiEnding(w[before - 1]): w.Length -= 2; break;
        }
    }

    private static void Step3(StringBuilder w, int r1, int r2)
    {
        var suffix = LongestSuffix(w, Step3Suffixes);
        if (suffix is null || w.Length - suffix.Length < r1)
            return;
        switch (suffix)
        {
            case "tional": Replace(w, 6, "tion"); break;
            case "ational": Replace(w, 7, "ate"); break;
            case "alize": Replace(w, 5, "al"); break;
            case "icate" or "iciti" or "ical": Replace(w, suffix.Length, "ic"); break;
            case "ful" or "ness": w.Length -= suffix.Length; break;
            case "ative" when w.Length - 5 >= r2: w.Length -= 5; break;
        }
    }

    private static void Step4(StringBuilder w, int r2)
    {
        var suffix = LongestSuffix(w, Step4Suffixes);
        if (suffix is null || w.Length - suffix.Length < r2)
            return;
        var before = w.Length - suffix.Length;
        if (suffix != "ion" || (before > 0 && w[before - 1] is 's' or 't'))
            w.Length = before;
    }

    private static void Step5(StringBuilder w, int r1, int r2)
    {
        var before = w.Length - 1;
        if (EndsWith(w, "e") && (before >= r2 || (before >= r1 && !EndsWithShortSyllable(w, before))))
            w.Length = before;
        else if (EndsWith(w, "l") && before >= r2 && before > 0 && w[before - 1] == 'l')
            w.Length = before;
    }
}
