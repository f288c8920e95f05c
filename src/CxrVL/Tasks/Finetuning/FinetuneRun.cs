namespace CxrVL.Tasks.Finetuning;

/// <summary>A finished fine-tuning run: its folder and each seed's test evaluation.</summary>
public sealed record FinetuneRun(string RunPath, FinetuneResult Result);
