using CxrVL.Methods.Encoders;
using CxrVL.Tasks.Pretraining;

namespace CxrVL.Export;

/// <summary>
/// Where a pretraining method keeps the modules of its global embeddings in its state dict: the backbones, the
/// projection heads and the heads' kind. Only methods whose embeddings are backbone, head, l2 normalisation are listed.
/// </summary>
internal sealed record EncoderLayout(string ImageBackbone, string ImageHead, string TextBackbone, string TextHead, ProjectionKind HeadKind)
{
    public static EncoderLayout Of(PretrainConfig config) => config.Method switch
    {
        "clip" => new("image_encoder.backbone", "image_projection", "text_encoder.bert", "text_projection", config.Model.Projection.Kind),
        "mgca" => new("image_encoder.backbone", "image_global", "text_encoder.bert", "text_global", ProjectionKind.BatchNorm),
        _ => throw new CxrVLException(
            $"ONNX export covers the methods whose embeddings are a backbone, a projection head and l2 normalisation (clip, mgca); '{config.Method}' is not exported yet."),
    };
}
