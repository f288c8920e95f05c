namespace CxrVL.Generation.Decoding;

/// <summary>A decoded word-id sequence (without begin and end markers) and its summed log-probability.</summary>
public sealed record DecodedReport(IReadOnlyList<int> Words, double LogProbability);
