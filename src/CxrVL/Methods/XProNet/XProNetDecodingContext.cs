using CxrVL.Generation.Decoding;
using static TorchSharp.torch;

namespace CxrVL.Methods.XProNet;

/// <summary>An encoded XProNet batch: the encoder memory and each study's prototype queries, reused at every decoding step.</summary>
internal sealed class XProNetDecodingContext(XProNetEncoderDecoder model, Tensor memory, Tensor patchMask, Tensor queries, Tensor queryMask)
    : IDecodingContext
{
    public int BatchSize => (int)memory.shape[0];

    public Tensor NextLogProbs(Tensor prefixes, Tensor studies)
    {
        using var scope = NewDisposeScope();
        var rows = studies.to(memory.device);
        var (logProbs, _) = model.Decode(prefixes.to(memory.device), memory.index_select(0, rows), patchMask.index_select(0, rows),
                                         queries.index_select(0, rows), queryMask.index_select(0, rows));
        return logProbs[.., -1].MoveToOuterDisposeScope();
    }

    /// <summary>Moves the held tensors out of the caller's dispose scope.</summary>
    public void MoveToOuterDisposeScope()
    {
        foreach (var tensor in new[] { memory, patchMask, queries, queryMask })
            tensor.MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        foreach (var tensor in new[] { memory, patchMask, queries, queryMask })
            tensor.Dispose();
    }
}
