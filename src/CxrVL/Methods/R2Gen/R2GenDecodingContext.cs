using CxrVL.Generation.Decoding;
using static TorchSharp.torch;

namespace CxrVL.Methods.R2Gen;

/// <summary>An encoded R2Gen batch; the relational memory is re-run over each prefix.</summary>
internal sealed class R2GenDecodingContext(R2GenEncoderDecoder model, Tensor memory, Tensor patchMask) : IDecodingContext
{
    public int BatchSize => (int)memory.shape[0];

    public Tensor NextLogProbs(Tensor prefixes, Tensor studies)
    {
        using var scope = NewDisposeScope();
        var rows = studies.to(memory.device);
        var logProbs = model.Decode(prefixes.to(memory.device), memory.index_select(0, rows), patchMask.index_select(0, rows));
        return logProbs[.., -1].MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        memory.Dispose();
        patchMask.Dispose();
    }
}
