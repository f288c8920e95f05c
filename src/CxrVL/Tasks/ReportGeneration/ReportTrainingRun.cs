namespace CxrVL.Tasks.ReportGeneration;

/// <summary>A finished report-generator training run: its folder (load it with <c>CxrVLContext.LoadReportGenerator</c>) and what the training did.</summary>
public sealed record ReportTrainingRun(string RunPath, ReportTrainingResult Result);
