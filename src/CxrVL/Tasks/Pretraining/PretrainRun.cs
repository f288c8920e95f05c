namespace CxrVL.Tasks.Pretraining;

/// <summary>A finished pretraining run: its folder (load it with <c>CxrVLContext.Load</c>) and what the training did.</summary>
public sealed record PretrainRun(string RunPath, PretrainingResult Result);
