namespace CxrVL.Methods.Mrm.Reconstruction;

/// <summary>What <see cref="RecordReconstruction.Run"/> wrote and found: the PNG, the two losses on this image, the masked words.</summary>
public sealed record ReconstructionResult(string Png, double ImageLoss, double ReportLoss, double MaskedPatchShare,
                                          IReadOnlyList<MaskedWordPrediction> Words);
