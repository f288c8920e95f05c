using System.Text;
using System.Text.RegularExpressions;

namespace CxrVL.Evaluation.Nlg.Meteor;

/// <summary>
/// The English text normalisation of <c>meteor-1.5.jar -norm</c> (punctuation kept), which pycocoevalcap's wrapper
/// asks for: METEOR's <c>Normalizer.normalizeLine</c>, a Moses-style tokenizer (punctuation split off, commas split
/// except inside numbers, quotes and dashes unified, a dash between letters or digits split, English contractions split
/// to the right, a final dot split unless the word is a non-breaking prefix or the next word starts in lower case), then
/// lower case. Java's regular-expression classes <c>\s</c>, <c>\p{Digit}</c> and <c>\p{Lower}</c> are ASCII-only and
/// are written out as such here.
/// </summary>
public static partial class MeteorNormalizer
{
    private const string Alpha = "A-Za-zŠŽšžŸÀ-ÖØ-öø-žЀ-ӿԀ-ԧꙀ-ꙮ꙾-ꚗᴀ-ᵿ";
    private const string Alnum = "0-9" + Alpha;

    // Moses' English non-breaking prefixes (as METEOR ships them): a word of these plus "." keeps its dot; the
    // numeric-only ones keep it before a number.
    private static readonly HashSet<string> NonBreakingPrefixes =
    [
        "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T", "U", "V", "W",
        "X", "Y", "Z", "Adj", "Adm", "Adv", "Asst", "Bart", "Bldg", "Brig", "Bros", "Capt", "Cmdr", "Col", "Comdr", "Con",
        "Corp", "Cpl", "DR", "Dr", "Drs", "Ens", "Gen", "Gov", "Hon", "Hr", "Hosp", "Insp", "Lt", "MM", "MR", "MRS", "MS",
        "Maj", "Messrs", "Mlle", "Mme", "Mr", "Mrs", "Ms", "Msgr", "Op", "Ord", "Pfc", "Ph", "Prof", "Pvt", "Rep", "Reps",
        "Res", "Rev", "Rt", "Sen", "Sens", "Sfc", "Sgt", "Sr", "St", "Supt", "Surg", "v", "vs", "i.e", "rev", "e.g", "Nos",
        "Nr",
    ];

    private static readonly HashSet<string> NumericOnlyPrefixes = ["No", "Art", "pp"];

    [GeneratedRegex("([^" + Alnum + " \t\n\u000B\f\r.'`,\\-‘’])")]
    private static partial Regex OtherSymbol();

    [GeneratedRegex(@"\.([.]+)")]
    private static partial Regex MultipleDots();

    [GeneratedRegex(@"DOTMULTI\.([^.])")]
    private static partial Regex MultipleDotsFollowed();

    [GeneratedRegex("([^0-9]),([^0-9])")]
    private static partial Regex CommaBetweenNonDigits();

    [GeneratedRegex("([0-9]),([^0-9])")]
    private static partial Regex CommaAfterDigit();

    [GeneratedRegex("([^0-9]),([0-9])")]
    private static partial Regex CommaBeforeDigit();

    [GeneratedRegex("([`‘’])")]
    private static partial Regex SingleQuote();

    [GeneratedRegex("([“”]|'')")]
    private static partial Regex DoubleQuote();

    [GeneratedRegex("([" + Alnum + @".])[\-]([" + Alnum + "])")]
    private static partial Regex InnerDash();

    [GeneratedRegex("([^" + Alpha + "])'([^" + Alpha + "])")]
    private static partial Regex ApostropheBetweenNonLetters();

    [GeneratedRegex("([^" + Alpha + "0-9])'([" + Alpha + "])")]
    private static partial Regex ApostropheBeforeLetter();

    [GeneratedRegex("([" + Alpha + "])'([^" + Alpha + "])")]
    private static partial Regex ApostropheAfterLetter();

    [GeneratedRegex("([" + Alpha + "])'([" + Alpha + "])")]
    private static partial Regex ApostropheInsideWord();

    [GeneratedRegex("([0-9])'([s])")]
    private static partial Regex DecadeApostrophe();

    [GeneratedRegex("[" + Alpha + "]")]
    private static partial Regex Letter();

    [GeneratedRegex("[ \u2000-\u200A\u202F\u205F\u3000\u00A0]+")]
    private static partial Regex Whitespace();

    /// <summary>The tokens METEOR scores for one line: normalised, lower-cased, split on ASCII whitespace.</summary>
    public static string[] Tokens(string line) =>
        Normalize(line).ToLowerInvariant().Split([' ', '\t', '\n', '\r', '\f'], StringSplitOptions.RemoveEmptyEntries);

    public static string Normalize(string line)
    {
        var text = " " + line + " ";
        text = OtherSymbol().Replace(text, " $1 ");
        text = MultipleDots().Replace(text, " DOTMULTI$1");
        while (text.Contains("DOTMULTI.", StringComparison.Ordinal))
        {
            text = MultipleDotsFollowed().Replace(text, "DOTDOTMULTI $1");
            text = text.Replace("DOTMULTI.", "DOTDOTMULTI", StringComparison.Ordinal);
        }
        text = CommaBetweenNonDigits().Replace(text, "$1 , $2");
        text = CommaAfterDigit().Replace(text, "$1 , $2");
        text = CommaBeforeDigit().Replace(text, "$1 , $2");
        text = SingleQuote().Replace(text, "'");
        text = DoubleQuote().Replace(text, " \" ");
        text = text.Replace("–", "-", StringComparison.Ordinal).Replace("--", "-", StringComparison.Ordinal);
        text = InnerDash().Replace(text, "$1 $2");
        text = ApostropheBetweenNonLetters().Replace(text, "$1 ' $2");
        text = ApostropheBeforeLetter().Replace(text, "$1 ' $2");
        text = ApostropheAfterLetter().Replace(text, "$1 ' $2");
        text = ApostropheInsideWord().Replace(text, "$1 '$2");
        text = DecadeApostrophe().Replace(text, "$1 '$2");

        var words = text.Split([' ', '\t', '\n', '\r', '\f'], StringSplitOptions.RemoveEmptyEntries);
        var rebuilt = new StringBuilder();
        for (var i = 0; i < words.Length; i++)
        {
            rebuilt.Append(SplitFinalDot(words, i)).Append(' ');
        }
        text = rebuilt.ToString();
        while (text.Contains("DOTDOTMULTI", StringComparison.Ordinal))
            text = text.Replace("DOTDOTMULTI", "DOTMULTI.", StringComparison.Ordinal);
        text = text.Replace("DOTMULTI", ".", StringComparison.Ordinal);
        return Whitespace().Replace(text, " ").Trim(JavaTrimmed);
    }

    // Java's String.trim removes every character up to U+0020.
    private static readonly char[] JavaTrimmed = Enumerable.Range(0, 0x21).Select(c => (char)c).ToArray();

    private static string SplitFinalDot(string[] words, int i)
    {
        var word = words[i];
        if (word.Length <= 1 || !word.EndsWith('.'))
            return word;
        var prefix = word[..^1];
        if (prefix.Contains('.') && Letter().IsMatch(prefix))
            return word.Replace(".", "", StringComparison.Ordinal); // U.S. -> US
        var next = i < words.Length - 1 ? words[i + 1] : null;
        if (NonBreakingPrefixes.Contains(prefix) || next is { Length: > 0 } && next[0] is >= 'a' and <= 'z')
            return word;
        if (NumericOnlyPrefixes.Contains(prefix) && next is { Length: > 0 } && next[0] is >= '0' and <= '9')
            return word;
        return prefix + " .";
    }
}
