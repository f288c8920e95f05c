using Microsoft.ML.OnnxRuntime;

namespace CxrVL.Export;

/// <summary>How CxrVL opens an exported graph: ONNX Runtime on the CPU, every graph optimisation, all cores.</summary>
public static class OnnxSessions
{
    public static InferenceSession Open(string path)
    {
        using var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        return new InferenceSession(path, options);
    }
}
