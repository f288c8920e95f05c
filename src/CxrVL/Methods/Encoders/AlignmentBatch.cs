using static TorchSharp.torch;

namespace CxrVL.Methods.Encoders;

/// <summary>A batch of image-report pairs: images [B, C, H, W], the reports' tokens, and the pairs' row indices in their source.</summary>
public sealed record AlignmentBatch(Tensor Images, TextInput Text, IReadOnlyList<int> Rows) : IDisposable
{
    public long Size => Images.shape[0];

    public void Dispose()
    {
        Images.Dispose();
        Text.InputIds.Dispose();
        Text.AttentionMask.Dispose();
        Text.WordIds.Dispose();
    }
}
