using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// Hugging Face's <c>BertForMaskedLM</c>: <c>bert.*</c> (no pooler) and the head <c>cls.predictions.*</c>. The
/// decoder is tied to <c>bert.embeddings.word_embeddings.weight</c>, so a checkpoint's
/// <c>cls.predictions.decoder.weight</c> (a copy of that table) has no parameter here; see
/// <see cref="BertKeyMaps.MaskedLm"/>.
/// </summary>
public sealed class BertForMaskedLM : nn.Module<BertInput, MaskedLmOutput>
{
    private readonly BertModel bert;
    private readonly BertOnlyMlmHead cls;

    public BertForMaskedLM(BertConfig config) : base(nameof(BertForMaskedLM))
    {
        bert = new BertModel(config with { AddPoolingLayer = false });
        cls = new BertOnlyMlmHead(config);
        RegisterComponents();
    }

    public BertModel Bert => bert;

    public override MaskedLmOutput forward(BertInput input)
    {
        using var scope = NewDisposeScope();
        var encoding = bert.forward(input);
        var logits = cls.forward(encoding.LastHiddenState, bert.WordEmbeddingWeight);
        encoding.LastHiddenState.MoveToOuterDisposeScope();
        foreach (var t in (encoding.HiddenStates ?? []).Concat(encoding.Attentions ?? []))
            t.MoveToOuterDisposeScope();
        return new MaskedLmOutput(logits.MoveToOuterDisposeScope(), encoding);
    }
}
