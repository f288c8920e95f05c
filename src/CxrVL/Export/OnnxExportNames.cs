namespace CxrVL.Export;

/// <summary>The input and output names of the graphs <c>cxrvl export onnx</c> writes (the sidecar JSON repeats them).</summary>
public static class OnnxExportNames
{
    /// <summary>Image encoder input: float32 [batch, channels, size, size], normalised as the image recipe writes it.</summary>
    public const string Image = "image";

    /// <summary>Text encoder inputs: int64 [batch, tokens].</summary>
    public const string InputIds = "input_ids";

    public const string AttentionMask = "attention_mask";

    /// <summary>Both encoders' output: the l2-normalised embedding, float32 [batch, dim].</summary>
    public const string Embedding = "embedding";

    /// <summary>The ONNX operator set the graphs use: 17 has LayerNormalization and is read by every ONNX Runtime since 1.14.</summary>
    public const int Opset = 17;
}
