using static TorchSharp.torch;

namespace CxrVL.Methods.Encoders;

/// <summary>A local-alignment model whose words attend over image regions (GLoRIA, MGCA): what attention heat maps show.</summary>
public interface ILocalAttentionModel
{
    /// <summary>
    /// Each report's attention over the regions of its own image, the mean over the report's real words of each word's
    /// attention distribution, [B, R] (rows sum to 1); the R regions are a square grid in row-major order.
    /// </summary>
    Tensor RegionAttention(AlignmentBatch batch);
}
