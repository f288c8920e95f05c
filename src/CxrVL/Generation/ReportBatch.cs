using static TorchSharp.torch;

namespace CxrVL.Generation;

/// <summary>
/// Studies with their reports for report generation: images [B, C, H, W] (one view) or [B, S, C, H, W] with
/// <see cref="ImagePresent"/> [B, S]; word ids [B, T] (begin 0, words, end 0, padding 0) and <see cref="TargetMask"/>
/// [B, T] (1 on begin, words and end); prototype-selection labels [B, K] in {0, 1}.
/// </summary>
public sealed record ReportBatch(Tensor Images, Tensor? ImagePresent, Tensor Targets, Tensor TargetMask, Tensor Labels,
                                 IReadOnlyList<string> StudyIds, IReadOnlyList<int> Rows) : IDisposable
{
    public long Size => Images.shape[0];

    public void Dispose()
    {
        Images.Dispose();
        ImagePresent?.Dispose();
        Targets.Dispose();
        TargetMask.Dispose();
        Labels.Dispose();
    }
}
