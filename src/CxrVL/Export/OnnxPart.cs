namespace CxrVL.Export;

/// <summary>Which part of a model <c>cxrvl export onnx --part</c> writes.</summary>
public enum OnnxPart
{
    /// <summary>The image encoder with its projection and l2 normalisation: pixels to the shared embedding.</summary>
    Image,

    /// <summary>The text encoder with its pooling, projection and l2 normalisation: token ids to the shared embedding.</summary>
    Text,

    /// <summary>
    /// The report generator of a <c>cxrvl rrg train</c> run: the visual extractor and encoder (images to memory) and one
    /// decoder step (the report so far and the memory to the next word's log-probabilities), two graphs.
    /// </summary>
    Rrg,
}
