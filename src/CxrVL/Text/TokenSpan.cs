namespace CxrVL.Text;

/// <summary>Where a token came from in the input text: UTF-16 indices <c>[Start, End)</c>; (0, 0) for added special tokens and padding.</summary>
public readonly record struct TokenSpan(int Start, int End);
