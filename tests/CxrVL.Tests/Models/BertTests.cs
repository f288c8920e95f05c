using CxrVL.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tests.Models;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class BertTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-bert-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void FullSizeKeysAndShapesEqualHuggingFaceNames()
    {
        using var model = new BertModel(new BertConfig());

        ModelReference.AssertSameKeys(ModelReference.Keys("bert_base"), ModelReference.Keys(model));
        Assert.Equal([28996, 768], model.state_dict()["embeddings.word_embeddings.weight"].shape);
    }

    [Fact]
    public void DecoderWithCrossAttentionHasHuggingFaceNames()
    {
        var config = new BertConfig
        {
            VocabSize = 120, HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 64,
            MaxPositionEmbeddings = 40, IsDecoder = true, AddCrossAttention = true, AddPoolingLayer = false,
        };
        using var model = new BertModel(config);

        ModelReference.AssertSameKeys(ModelReference.Keys("bert_decoder_small"), ModelReference.Keys(model));
    }

    [Fact]
    public void ConfigReadsHuggingFaceJson()
    {
        var path = Path.Combine(_directory, "config.json");
        // Bio_ClinicalBERT's config.json fields, with one the model does not use.
        File.WriteAllText(path, """
            {
              "attention_probs_dropout_prob": 0.1, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
              "hidden_size": 768, "initializer_range": 0.02, "intermediate_size": 3072,
              "max_position_embeddings": 512, "num_attention_heads": 12, "num_hidden_layers": 12,
              "type_vocab_size": 2, "vocab_size": 28996, "architectures": ["BertForMaskedLM"]
            }
            """);

        var config = BertConfig.Load(path);

        Assert.Equal(new BertConfig(), config);
        File.WriteAllText(path, """{"hidden_size": 100, "num_attention_heads": 12}""");
        Assert.Contains("multiple of num_attention_heads", Assert.Throws<CxrVLException>(() => BertConfig.Load(path)).Message);
        File.WriteAllText(path, "{ not json");
        Assert.Contains("not valid JSON", Assert.Throws<CxrVLException>(() => BertConfig.Load(path)).Message);
    }

    [Fact]
    public void PaddingDoesNotChangeTheRealTokensAndAttentionIgnoresIt()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var config = new BertConfig { VocabSize = 50, HiddenSize = 16, NumHiddenLayers = 2, NumAttentionHeads = 2, IntermediateSize = 32, MaxPositionEmbeddings = 16 };
        using var model = new BertModel(config);
        model.eval();
        using var noGrad = no_grad();
        var ids = tensor(new long[] { 2, 7, 9, 4 }).unsqueeze(0);
        var padded = tensor(new long[] { 2, 7, 9, 4, 0, 0 }).unsqueeze(0);
        var mask = tensor(new long[] { 1, 1, 1, 1, 0, 0 }).unsqueeze(0);

        var short_ = model.forward(ids);
        var long_ = model.forward(new BertInput { InputIds = padded, AttentionMask = mask, OutputAttentions = true, OutputHiddenStates = true });

        Assert.True(allclose(short_.LastHiddenState, long_.LastHiddenState[.., ..4], atol: 1e-5));
        Assert.Equal(3, long_.HiddenStates!.Count);
        Assert.Equal(2, long_.Attentions!.Count);
        Assert.Equal([1, 2, 6, 6], long_.Attentions[0].shape);
        Assert.Equal(0f, long_.Attentions[1][.., .., .., 4..].abs().max().item<float>());
        Assert.True(allclose(long_.Attentions[0].sum(-1), ones(1, 2, 6), atol: 1e-5));
    }
}
