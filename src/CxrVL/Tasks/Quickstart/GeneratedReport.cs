namespace CxrVL.Tasks.Quickstart;

/// <summary>A report generated for a test image next to the reference the study came with.</summary>
public sealed record GeneratedReport(string StudyId, byte[]? Image, string Generated, string Reference);
