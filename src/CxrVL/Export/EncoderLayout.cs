using CxrVL.Methods.Clip;
using CxrVL.Methods.Encoders;
using CxrVL.Methods.Mgca;
using CxrVL.Tasks.Pretraining;

namespace CxrVL.Export;

/// <summary>
/// Where a pretraining method keeps the modules of its global embeddings in its state dict: the backbones, the
/// projection heads and the heads' kind. Only methods whose embeddings are backbone, head, l2 normalisation are listed.
/// </summary>
internal sealed record EncoderLayout(string ImageBackbone, string ImageHead, string TextBackbone, string TextHead, ProjectionKind HeadKind, int EmbedDim)
{
    public static EncoderLayout Of(PretrainConfig config) => config.Model switch
    {
        ClipModelConfig clip => new("image_encoder.backbone", "image_projection", "text_encoder.bert", "text_projection", clip.Projection.Kind, clip.EmbedDim),
        MgcaModelConfig mgca => new("image_encoder.backbone", "image_global", "text_encoder.bert", "text_global", ProjectionKind.BatchNorm, mgca.EmbedDim),
        _ => throw new CxrVLException(
            $"ONNX export covers the methods whose embeddings are a backbone, a projection head and l2 normalisation (clip, mgca); '{config.Method}' is not exported yet."),
    };
}
