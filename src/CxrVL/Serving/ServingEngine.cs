namespace CxrVL.Serving;

/// <summary>What runs the encoders behind <c>cxrvl serve</c>.</summary>
public enum ServingEngine
{
    /// <summary>The TorchSharp modules of the checkpoint (saliency maps need their gradients).</summary>
    Torch,

    /// <summary>The graphs <c>cxrvl export onnx</c> wrote, under ONNX Runtime (CPU).</summary>
    Onnx,
}
