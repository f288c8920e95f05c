using CxrVL.Generation.Decoding;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace CxrVL.Export;

/// <summary>
/// Studies encoded by the exported report encoder: its outputs (memory, memory mask and, for XProNet, the prototype
/// labels), which every step of the exported decoder reads again for the studies its prefixes belong to.
/// </summary>
internal sealed class OnnxDecodingContext(InferenceSession decoder, IReadOnlyList<OnnxRows> encoded) : IDecodingContext
{
    private static readonly string[] MemoryInputs = [OnnxExportNames.Memory, OnnxExportNames.MemoryMask, OnnxExportNames.PrototypeLabels];

    public int BatchSize => (int)encoded[0].Rows;

    public Tensor NextLogProbs(Tensor prefixes, Tensor studies)
    {
        var rows = studies.cpu().to_type(ScalarType.Int64).data<long>().ToArray();
        var tokens = prefixes.cpu().to_type(ScalarType.Int64).contiguous().data<long>().ToArray();
        var inputs = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(tokens, prefixes.shape) };
        try
        {
            inputs.AddRange(encoded.Select(e => e.Select(rows)));
            using var runOptions = new RunOptions();
            using var outputs = decoder.Run(runOptions, [OnnxExportNames.Tokens, .. MemoryInputs.Take(encoded.Count)], inputs, [OnnxExportNames.LogProbs]);
            var shape = outputs[0].GetTensorTypeAndShape().Shape;
            return tensor(outputs[0].GetTensorDataAsSpan<float>().ToArray(), shape);
        }
        finally
        {
            inputs.ForEach(input => input.Dispose());
        }
    }

    /// <summary>Nothing to free: the encoded rows are managed arrays and the decoder session belongs to the generator.</summary>
    public void Dispose()
    {
    }
}
