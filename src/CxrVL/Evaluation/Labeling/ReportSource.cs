namespace CxrVL.Evaluation.Labeling;

/// <summary>Reports to label: <see cref="KeyColumn"/> names the first output column, each key is its value.</summary>
public sealed record ReportSource(string KeyColumn, IReadOnlyList<KeyValuePair<string, string>> Reports);
