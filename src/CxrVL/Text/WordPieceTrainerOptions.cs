namespace CxrVL.Text;

/// <summary>
/// WordPiece training settings, as Hugging Face's <c>WordPieceTrainer</c> names them. MRM trains 30,000 tokens
/// with [PAD] [UNK] [CLS] [MASK] (ids 0-3). <c>Template</c> supplies the normaliser, pre-tokeniser and special-token
/// handling of the trained tokenizer; null means MRM's (lower-case, NFKD, strip accents; Whitespace + Digits).
/// </summary>
public sealed record WordPieceTrainerOptions
{
    public int VocabularySize { get; init; } = 30_000;

    /// <summary>Pairs seen fewer times than this are not merged.</summary>
    public int MinFrequency { get; init; } = 2;

    /// <summary>Keep only this many of the most frequent characters in the initial alphabet (null: all).</summary>
    public int? LimitAlphabet { get; init; }

    public IReadOnlyList<string> SpecialTokens { get; init; } = ["[PAD]", "[UNK]", "[CLS]", "[MASK]"];

    public string ContinuingSubwordPrefix { get; init; } = "##";

    public WordPieceTokenizer? Template { get; init; }
}
