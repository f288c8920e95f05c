namespace CxrVL.Export;

/// <summary>Which part of a model <c>cxrvl export onnx --part</c> writes.</summary>
public enum OnnxPart
{
    /// <summary>The image encoder with its projection and l2 normalisation: pixels to the shared embedding.</summary>
    Image,

    /// <summary>The text encoder with its pooling, projection and l2 normalisation: token ids to the shared embedding.</summary>
    Text,
}
