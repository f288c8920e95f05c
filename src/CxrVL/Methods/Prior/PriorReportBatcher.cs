using CxrVL.Methods.Encoders;
using CxrVL.Text;
using CxrVL.Text.Cleaning;
using static TorchSharp.torch;

namespace CxrVL.Methods.Prior;

/// <summary>
/// PRIOR's report input: the report split into sentences (impression then findings, as the recipe's sections are
/// joined), shuffled in training, joined with single spaces and tokenised once; each token's sentence comes from
/// that one tokenisation (PRIOR re-tokenised each sentence and concatenated them without a space, so its map could
/// drift). Sentence ids are 1-based with 0 for [CLS], [SEP] and padding, as PRIOR's gather expects.
/// </summary>
public sealed class PriorReportBatcher(ITextTokenizer tokenizer, int maxLength, int minSentences, bool shuffleSentences = true) : IReportBatcher
{
    private readonly PriorSentenceCleaner _cleaner = new(minSentences: minSentences);

    public bool Keeps(string report) => _cleaner.Clean(report).Kept;

    public TextInput Encode(IReadOnlyList<string> reports, Random? shuffle, Device device)
    {
        var sentences = reports.Select(report =>
        {
            var list = _cleaner.Clean(report).Sentences.ToArray();
            if (shuffleSentences)
                shuffle?.Shuffle(list);
            return (IReadOnlyList<string>)list;
        }).ToList();
        return Encode(tokenizer.EncodeSentenceBatch(sentences, maxLength), device);
    }

    /// <summary>Tensors of an encoded batch, with PRIOR's 1-based sentence map.</summary>
    public static TextInput Encode(TokenBatch tokens, Device device)
    {
        var (batch, length) = (tokens.BatchSize, tokens.Length);
        var words = new long[batch * length];
        var sentenceIds = new long[batch * length];
        for (var b = 0; b < batch; b++)
        {
            var item = tokens.Items[b];
            for (var t = 0; t < length; t++)
            {
                words[b * length + t] = item.WordIds[t];
                var content = item.SpecialMask[t] == 0 && item.AttentionMask[t] == 1 && item.SentenceIds[t] >= 0;
                sentenceIds[b * length + t] = content ? item.SentenceIds[t] + 1 : 0;
            }
        }
        long[] shape = [batch, length];
        return new TextInput(tensor(tokens.InputIds, shape).to(device), tensor(tokens.AttentionMask, shape).to(device),
                             tensor(words, shape).to(device), tensor(sentenceIds, shape).to(device));
    }
}
