using CxrVL.Text.Unicode;

namespace CxrVL.Text.Tokenization;

/// <summary>
/// BERT's normaliser: drop control characters and turn whitespace into spaces, surround CJK ideographs with spaces,
/// optionally strip accents (NFD, then drop non-spacing marks) and lower-case. Accents are stripped only when asked;
/// Hugging Face's default for "unset" is to follow <c>lowercase</c>, which the loader resolves.
/// </summary>
internal sealed record BertNormalizer(bool CleanText, bool HandleChineseChars, bool StripAccents, bool Lowercase) : INormalizer
{
    public void Normalize(NormalizedText text)
    {
        if (CleanText)
        {
            text.Filter(cp => cp != 0 && cp != 0xFFFD && !CharClass.IsBertControl(cp));
            text.Map((cp, output) => output.Add(CharClass.IsWhitespace(cp) ? ' ' : cp), cp => cp != ' ' && CharClass.IsWhitespace(cp));
        }
        if (HandleChineseChars)
        {
            text.Map((cp, output) =>
            {
                if (!CharClass.IsChinese(cp))
                {
                    output.Add(cp);
                    return;
                }
                output.Add(' ');
                output.Add(cp);
                output.Add(' ');
            }, CharClass.IsChinese);
        }
        if (StripAccents)
        {
            // BERT strips non-spacing marks (Mn) only; the StripAccents normaliser below removes more.
            new DecomposeNormalizer(Compatibility: false).Normalize(text);
            text.Filter(cp => !CharClass.IsNonSpacingMark(cp));
        }
        if (Lowercase)
            new LowercaseNormalizer().Normalize(text);
    }
}

/// <summary>Unicode full lower-casing, code point by code point.</summary>
internal sealed record LowercaseNormalizer : INormalizer
{
    public void Normalize(NormalizedText text) => text.Map(UnicodeTables.Lower, cp => cp is >= 'A' and <= 'Z' or >= 0x80);
}

/// <summary>NFD (canonical) or NFKD (compatibility) decomposition with canonical reordering of combining marks.</summary>
internal sealed record DecomposeNormalizer(bool Compatibility) : INormalizer
{
    public void Normalize(NormalizedText text)
    {
        text.Map((cp, output) => UnicodeTables.Decompose(cp, Compatibility, output), cp => cp >= 0xA0);
        text.ReorderCombiningMarks(UnicodeTables.CombiningClass);
    }
}

/// <summary>Drops combining marks (the set Hugging Face removes); on decomposed text this removes accents.</summary>
internal sealed record StripAccentsNormalizer : INormalizer
{
    public void Normalize(NormalizedText text) => text.Filter(cp => !UnicodeTables.IsStrippedMark(cp));
}

/// <summary>Trims whitespace on the left and/or right.</summary>
internal sealed record StripNormalizer(bool Left, bool Right) : INormalizer
{
    public void Normalize(NormalizedText text) => text.Trim(Left, Right, CharClass.IsWhitespace);
}

/// <summary>Several normalisers in order.</summary>
internal sealed record SequenceNormalizer(IReadOnlyList<INormalizer> Steps) : INormalizer
{
    public void Normalize(NormalizedText text)
    {
        foreach (var step in Steps)
            step.Normalize(text);
    }
}
