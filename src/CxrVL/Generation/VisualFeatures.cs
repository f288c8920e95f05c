using static TorchSharp.torch;

namespace CxrVL.Generation;

/// <summary>
/// A study's visual features: patch tokens [B, S·P, D] of all views side by side with their mask [B, S·P] (false for
/// an absent view), views' pooled features concatenated [B, S·D] (the seeds' fc features), and their mean over the
/// present views [B, D].
/// </summary>
public sealed record VisualFeatures(Tensor Patches, Tensor PatchMask, Tensor Concatenated, Tensor Mean) : IDisposable
{
    public void Dispose()
    {
        Patches.Dispose();
        PatchMask.Dispose();
        Concatenated.Dispose();
        Mean.Dispose();
    }
}
