namespace CxrVL.Text.Tokenization;

/// <summary>BERT: split on whitespace (removed) and isolate every punctuation character.</summary>
internal sealed record BertPreTokenizer : IPreTokenizer
{
    public void Split(NormalizedText text, List<(int Start, int End)> words, List<(int Start, int End)> output)
    {
        foreach (var (start, end) in words)
        {
            var run = start;
            for (var i = start; i < end; i++)
            {
                var cp = text[i];
                if (CharClass.IsWhitespace(cp))
                {
                    if (i > run) output.Add((run, i));
                    run = i + 1;
                }
                else if (CharClass.IsBertPunctuation(cp))
                {
                    if (i > run) output.Add((run, i));
                    output.Add((i, i + 1));
                    run = i + 1;
                }
            }
            if (end > run) output.Add((run, end));
        }
    }
}

/// <summary>Hugging Face <c>Whitespace</c>: the matches of <c>\w+|[^\w\s]+</c>; whitespace is dropped.</summary>
internal sealed record WhitespacePreTokenizer : IPreTokenizer
{
    public void Split(NormalizedText text, List<(int Start, int End)> words, List<(int Start, int End)> output)
    {
        foreach (var (start, end) in words)
        {
            var i = start;
            while (i < end)
            {
                var cp = text[i];
                if (CharClass.IsWhitespace(cp))
                {
                    i++;
                    continue;
                }
                var word = CharClass.IsWordChar(cp);
                var runStart = i;
                while (i < end && !CharClass.IsWhitespace(text[i]) && CharClass.IsWordChar(text[i]) == word)
                    i++;
                output.Add((runStart, i));
            }
        }
    }
}

/// <summary>Hugging Face <c>WhitespaceSplit</c>: split on whitespace only.</summary>
internal sealed record WhitespaceSplitPreTokenizer : IPreTokenizer
{
    public void Split(NormalizedText text, List<(int Start, int End)> words, List<(int Start, int End)> output)
    {
        foreach (var (start, end) in words)
        {
            var run = start;
            for (var i = start; i < end; i++)
            {
                if (!CharClass.IsWhitespace(text[i]))
                    continue;
                if (i > run) output.Add((run, i));
                run = i + 1;
            }
            if (end > run) output.Add((run, end));
        }
    }
}

/// <summary>Hugging Face <c>Digits</c>: isolate runs of numeric characters, or each one when <c>individual_digits</c>.</summary>
internal sealed record DigitsPreTokenizer(bool IndividualDigits) : IPreTokenizer
{
    public void Split(NormalizedText text, List<(int Start, int End)> words, List<(int Start, int End)> output)
    {
        foreach (var (start, end) in words)
        {
            var i = start;
            while (i < end)
            {
                var numeric = CharClass.IsNumeric(text[i]);
                var runStart = i++;
                if (numeric && IndividualDigits)
                {
                    output.Add((runStart, i));
                    continue;
                }
                while (i < end && CharClass.IsNumeric(text[i]) == numeric)
                    i++;
                output.Add((runStart, i));
            }
        }
    }
}

/// <summary>Hugging Face <c>Punctuation</c> with the default (isolated) behaviour.</summary>
internal sealed record PunctuationPreTokenizer : IPreTokenizer
{
    public void Split(NormalizedText text, List<(int Start, int End)> words, List<(int Start, int End)> output)
    {
        foreach (var (start, end) in words)
        {
            var run = start;
            for (var i = start; i < end; i++)
            {
                if (!CharClass.IsBertPunctuation(text[i]))
                    continue;
                if (i > run) output.Add((run, i));
                output.Add((i, i + 1));
                run = i + 1;
            }
            if (end > run) output.Add((run, end));
        }
    }
}

/// <summary>Several pre-tokenisers, each refining the previous one's words.</summary>
internal sealed record SequencePreTokenizer(IReadOnlyList<IPreTokenizer> Steps) : IPreTokenizer
{
    public void Split(NormalizedText text, List<(int Start, int End)> words, List<(int Start, int End)> output)
    {
        var current = words;
        foreach (var step in Steps)
        {
            var next = new List<(int Start, int End)>(current.Count * 2);
            step.Split(text, current, next);
            current = next;
        }
        output.AddRange(current);
    }
}
