using CxrVL.Files;
using CxrVL.Models;
using static TorchSharp.torch;

namespace CxrVL.Methods.Encoders;

/// <summary>A BERT (child <c>bert</c>, Hugging Face names below it) returning report and word features.</summary>
public sealed class TextEncoder : nn.Module<TextInput, TextEncoding>
{
    private readonly BertModel bert;
    private readonly TextPooling _pooling;

    public TextEncoder(BertConfig config, TextPooling pooling = TextPooling.Cls) : base(nameof(TextEncoder))
    {
        bert = new BertModel(config with { AddPoolingLayer = false });
        Dim = config.HiddenSize;
        _pooling = pooling;
        RegisterComponents();
    }

    public int Dim { get; }

    public BertModel Bert => bert;

    /// <summary>The BERT configuration a recipe asks for, with the tokenizer's vocabulary size.</summary>
    public static BertConfig Configure(TextEncoderConfig config, int vocabularySize)
    {
        if (config.ConfigJson is { } path)
        {
            return InputFile.ReadJson<BertConfig>(path, "model.text.config_json");
        }
        return new BertConfig
        {
            VocabSize = vocabularySize,
            HiddenSize = config.Hidden,
            NumHiddenLayers = config.Layers,
            NumAttentionHeads = config.Heads,
            IntermediateSize = config.Intermediate,
            MaxPositionEmbeddings = Math.Max(512, config.MaxLength),
        };
    }

    /// <summary>The global feature alone [B, D] ([CLS] or the masked mean), without attention weights and word maps (for global-only methods).</summary>
    public Tensor EncodeGlobal(TextInput input)
    {
        using var scope = NewDisposeScope();
        var states = bert.forward(new BertInput { InputIds = input.InputIds, AttentionMask = input.AttentionMask }).LastHiddenState;
        return Pool(states, input.AttentionMask).MoveToOuterDisposeScope();
    }

    private Tensor Pool(Tensor states, Tensor attentionMask)
    {
        if (_pooling == TextPooling.Cls)
            return states[.., 0];
        var mask = attentionMask.unsqueeze(-1).to(states.dtype);
        return (states * mask).sum(1) / mask.sum(1).clamp_min(1e-9);
    }

    public override TextEncoding forward(TextInput input)
    {
        using var scope = NewDisposeScope();
        var encoding = bert.forward(new BertInput
        {
            InputIds = input.InputIds,
            AttentionMask = input.AttentionMask,
            OutputAttentions = true,
        });
        var states = encoding.LastHiddenState;
        var clsAttention = encoding.Attentions![^1][.., .., 0, ..].mean([1]);
        var (words, wordMask) = SumIntoWords(states, input.WordIds);
        var (attention, _) = SumIntoWords(clsAttention.unsqueeze(-1), input.WordIds);
        var result = new TextEncoding(Pool(states, input.AttentionMask), words, wordMask, attention.squeeze(-1));
        foreach (var t in new[] { result.Global, result.Words, result.WordMask, result.WordAttention })
            t.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>
    /// Sums token features into word slots by word id (-1 for special tokens and padding, which are dropped). There are
    /// as many slots as tokens, as in GLoRIA and MGCA, so the shape does not depend on the batch's longest report: a
    /// BatchNorm over the slots (MGCA's local head) then sees the same padding in one process and split over ranks.
    /// </summary>
    public static (Tensor Words, Tensor Mask) SumIntoWords(Tensor tokens, Tensor wordIds)
    {
        using var scope = NewDisposeScope();
        var (batch, length, dim) = (tokens.shape[0], tokens.shape[1], tokens.shape[2]);
        var slots = length;
        // Slot 0 collects the dropped tokens; words start at 1.
        var index = (wordIds + 1).clamp_min(0).unsqueeze(-1).expand(batch, length, dim);
        var summed = zeros([batch, slots + 1, dim], tokens.dtype, tokens.device).scatter_add(1, index, tokens)[.., 1..];
        var counts = zeros([batch, slots + 1], ScalarType.Int64, tokens.device).scatter_add(1, (wordIds + 1).clamp_min(0), ones_like(wordIds))[.., 1..];
        return (summed.MoveToOuterDisposeScope(), (counts > 0).MoveToOuterDisposeScope());
    }
}
