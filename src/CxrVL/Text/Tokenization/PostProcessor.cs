namespace CxrVL.Text.Tokenization;

/// <summary>
/// The single-sequence template of a post-processor: special tokens around the sequence, each with its type id
/// (BERT: [CLS] $A [SEP]). An empty template adds nothing.
/// </summary>
internal sealed record PostProcessor(IReadOnlyList<PostProcessor.Piece> Template)
{
    /// <summary>A special token (<c>Ids</c> set) or the sequence itself (<c>Ids</c> null).</summary>
    public sealed record Piece(IReadOnlyList<int>? Ids, int TypeId);

    public static PostProcessor None { get; } = new(new[] { new Piece(null, 0) });

    public int AddedTokens => Template.Sum(p => p.Ids?.Count ?? 0);
}
