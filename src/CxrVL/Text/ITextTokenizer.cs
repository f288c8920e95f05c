namespace CxrVL.Text;

/// <summary>
/// A tokenizer that turns report text into model ids: WordPiece (BERT vocab.txt or Hugging Face tokenizer.json,
/// see <see cref="Tokenizers.Load"/>) or the R2Gen word vocabulary. Encodings keep token-to-word and
/// token-to-sentence maps.
/// </summary>
public interface ITextTokenizer
{
    int VocabularySize { get; }

    /// <summary>The id padding uses.</summary>
    int PadId { get; }

    TokenizedText Encode(string text, EncodeOptions? options = null);

    /// <summary>
    /// Encodes sentences as one text (joined with single spaces, one tokenisation) and records which sentence each
    /// token came from, so sentence embeddings can be gathered from token positions.
    /// </summary>
    TokenizedText EncodeSentences(IReadOnlyList<string> sentences, EncodeOptions? options = null);

    /// <summary>Text of the ids, special tokens and padding left out.</summary>
    string Decode(IEnumerable<int> ids);

    TokenBatch EncodeBatch(IReadOnlyList<string> texts, int length)
    {
        var options = EncodeOptions.Fixed(length);
        var items = new TokenizedText[texts.Count];
        for (var i = 0; i < texts.Count; i++)
            items[i] = Encode(texts[i], options);
        return TokenBatch.From(items, length);
    }

    TokenBatch EncodeSentenceBatch(IReadOnlyList<IReadOnlyList<string>> reports, int length)
    {
        var options = EncodeOptions.Fixed(length);
        var items = new TokenizedText[reports.Count];
        for (var i = 0; i < reports.Count; i++)
            items[i] = EncodeSentences(reports[i], options);
        return TokenBatch.From(items, length);
    }
}
