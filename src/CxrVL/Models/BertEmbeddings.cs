using CxrVL.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>Hugging Face's <c>BertEmbeddings</c>: word + absolute position + token type, then <c>LayerNorm</c> and dropout.</summary>
internal sealed class BertEmbeddings : nn.Module<BertInput, Tensor>
{
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly Embedding token_type_embeddings;
    private readonly AutocastLayerNorm LayerNorm;
    private readonly Dropout dropout;
    private readonly int _maxPositions;

    public BertEmbeddings(BertConfig config) : base(nameof(BertEmbeddings))
    {
        word_embeddings = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId);
        position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize);
        LayerNorm = new AutocastLayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        _maxPositions = config.MaxPositionEmbeddings;
        RegisterComponents();
    }

    public Parameter WordEmbeddingWeight => word_embeddings.weight!;

    public override Tensor forward(BertInput input)
    {
        using var scope = NewDisposeScope();
        var embeds = input.InputsEmbeds ?? word_embeddings.forward(input.InputIds!);
        var length = embeds.shape[1];
        if (length > _maxPositions)
            throw new CxrVLException($"BERT input has {length} tokens; this model takes at most {_maxPositions} (max_position_embeddings).");
        var positions = arange(length, dtype: ScalarType.Int64, device: embeds.device).unsqueeze(0);
        var types = input.TokenTypeIds ?? zeros(embeds.shape[0], length, dtype: ScalarType.Int64, device: embeds.device);
        var sum = embeds + position_embeddings.forward(positions) + token_type_embeddings.forward(types);
        return dropout.forward(LayerNorm.forward(sum)).MoveToOuterDisposeScope();
    }
}
