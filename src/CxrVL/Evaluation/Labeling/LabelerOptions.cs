namespace CxrVL.Evaluation.Labeling;

/// <summary>A labeler to build with <see cref="ReportLabelers.Create"/>.</summary>
/// <param name="Kind">rules or chexbert</param>
/// <param name="Weights">CheXbert's checkpoint (<c>chexbert.pth</c>, as its authors publish it); only for chexbert</param>
/// <param name="BatchSize">reports per CheXbert forward pass</param>
public sealed record LabelerOptions(LabelerKind Kind = LabelerKind.Rules, string? Weights = null, int BatchSize = 16);
