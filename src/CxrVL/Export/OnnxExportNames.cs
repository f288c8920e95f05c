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

    /// <summary>Report encoder inputs: float32 [batch, views, channels, size, size] and bool [batch, views] (false: the view is absent).</summary>
    public const string Images = "images";

    public const string ImagePresent = "image_present";

    /// <summary>Report encoder outputs and decoder inputs: float32 [batch, patches, d_model], bool [batch, patches].</summary>
    public const string Memory = "memory";

    public const string MemoryMask = "memory_mask";

    /// <summary>XProNet's prototype-selection labels, float32 [batch, classes] in {0, 1}, from its image classifier.</summary>
    public const string PrototypeLabels = "prototype_labels";

    /// <summary>Report decoder input: int64 [batch, tokens], the report so far, starting with the begin id 0.</summary>
    public const string Tokens = "tokens";

    /// <summary>Report decoder output: float32 [batch, vocabulary], log-probabilities of the next word.</summary>
    public const string LogProbs = "log_probs";

    /// <summary>
    /// The files <c>--part rrg --out DIR/NAME.onnx</c> writes: the encoder <c>NAME-encoder.onnx</c>, the decoder step
    /// <c>NAME-decoder.onnx</c> and one sidecar <c>NAME.json</c>.
    /// </summary>
    public static (string Encoder, string Decoder, string Sidecar) ReportFiles(string outPath)
    {
        var stem = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outPath))!, Path.GetFileNameWithoutExtension(outPath));
        return (stem + "-encoder.onnx", stem + "-decoder.onnx", stem + ".json");
    }

    /// <summary>The ONNX operator set the graphs use: 17 has LayerNormalization and is read by every ONNX Runtime since 1.14.</summary>
    public const int Opset = 17;
}
