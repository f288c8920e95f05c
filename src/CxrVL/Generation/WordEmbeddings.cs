using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Generation;

/// <summary>Token embeddings scaled by sqrt(d_model) (<c>lut</c>).</summary>
public sealed class WordEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly Embedding lut;
    private readonly double _scale;

    public WordEmbeddings(long vocabulary, long dModel) : base(nameof(WordEmbeddings))
    {
        lut = nn.Embedding(vocabulary, dModel);
        _scale = Math.Sqrt(dModel);
        RegisterComponents();
    }

    public override Tensor forward(Tensor ids)
    {
        using var scope = NewDisposeScope();
        return (lut.forward(ids) * _scale).MoveToOuterDisposeScope();
    }
}
