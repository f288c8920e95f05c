using CxrVL.Methods.Encoders;
using CxrVL.Text;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Pretraining;

/// <summary>Report texts to a <see cref="TextInput"/> on a device: token ids, attention mask and the word map GLoRIA, MGCA and MedST need.</summary>
public static class ReportTokens
{
    public static TextInput Encode(ITextTokenizer tokenizer, IReadOnlyList<string> texts, int maxLength, Device device)
    {
        var tokens = tokenizer.EncodeBatch(texts, maxLength);
        var words = new long[tokens.BatchSize * tokens.Length];
        for (var b = 0; b < tokens.BatchSize; b++)
        {
            var wordIds = tokens.Items[b].WordIds;
            for (var t = 0; t < tokens.Length; t++)
                words[b * tokens.Length + t] = wordIds[t];
        }
        long[] shape = [tokens.BatchSize, tokens.Length];
        return new TextInput(
            tensor(tokens.InputIds, shape).to(device),
            tensor(tokens.AttentionMask, shape).to(device),
            tensor(words, shape).to(device));
    }
}
