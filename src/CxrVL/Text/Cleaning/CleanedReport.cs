namespace CxrVL.Text.Cleaning;

/// <summary>
/// A report after a cleaning recipe: <c>Text</c> is what the method feeds its tokenizer, <c>Sentences</c> the
/// sentences it is made of, <c>Words</c> the number of words, and <c>Kept</c> false when the recipe drops the report
/// (MGCA: fewer than 3 words).
/// </summary>
public sealed record CleanedReport(string Text, IReadOnlyList<string> Sentences, int Words, bool Kept);
