using System.Globalization;

namespace CxrVL.Text.Tokenization;

/// <summary>
/// The character classes of Hugging Face tokenizers (Rust semantics), which the WordPiece pipeline must reproduce
/// exactly: Rust's <c>char::is_whitespace</c>, <c>is_numeric</c>, regex <c>\w</c>, BERT's punctuation, control and
/// CJK tests.
/// </summary>
internal static class CharClass
{
    public static UnicodeCategory Category(int cp) => CharUnicodeInfo.GetUnicodeCategory(cp);

    /// <summary>The Unicode White_Space property.</summary>
    public static bool IsWhitespace(int cp) => cp switch
    {
        >= 0x09 and <= 0x0D or 0x20 or 0x85 or 0xA0 or 0x1680 => true,
        >= 0x2000 and <= 0x200A or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        _ => false,
    };

    /// <summary>ASCII punctuation (which includes symbols such as $ + &lt; = &gt; ^ ` |) or any Unicode P* category.</summary>
    public static bool IsBertPunctuation(int cp)
    {
        if (cp < 0x80)
            return cp is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126;
        return Category(cp) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>BERT's "control": categories Cc, Cf, Cn, Co, Cs, except tab, newline and carriage return (whitespace).</summary>
    public static bool IsBertControl(int cp)
    {
        if (cp is '\t' or '\n' or '\r')
            return false;
        if (cp < 0x80)
            return cp < 0x20 || cp == 0x7F;
        return Category(cp) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned
            or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate;
    }

    public static bool IsChinese(int cp) => cp switch
    {
        >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F => true,
        >= 0x2B740 and <= 0x2B81F or >= 0x2B920 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F => true,
        _ => false,
    };

    /// <summary>Rust's <c>char::is_numeric</c>: Nd, Nl, No.</summary>
    public static bool IsNumeric(int cp)
    {
        if (cp < 0x80)
            return cp is >= '0' and <= '9';
        return Category(cp) is UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;
    }

    /// <summary>The regex crate's Unicode <c>\w</c>: letters, marks, Nd, Nl, connector punctuation, joiners.</summary>
    public static bool IsWordChar(int cp)
    {
        if (cp < 0x80)
            return cp is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_';
        if (cp is 0x200C or 0x200D)
            return true;
        return Category(cp) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => true,
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => true,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.ConnectorPunctuation => true,
            _ => false,
        };
    }

    public static bool IsNonSpacingMark(int cp) => cp >= 0x300 && Category(cp) == UnicodeCategory.NonSpacingMark;
}
