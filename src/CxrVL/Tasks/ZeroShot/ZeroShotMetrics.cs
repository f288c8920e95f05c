using System.Text.Json.Serialization;
using CxrVL.Evaluation.Classification;

namespace CxrVL.Tasks.ZeroShot;

/// <summary>
/// The metrics of a zero-shot run, written as <c>metrics.json</c> under the names below. AUROC comes from the scores,
/// accuracy, F1, precision, recall and kappa from the best-scoring class; per-class values are keyed by class name.
/// </summary>
public sealed record ZeroShotMetrics
{
    /// <summary>Images scored: those of the split that belong to exactly one class.</summary>
    [JsonPropertyName("images")]
    public required int Images { get; init; }

    /// <summary>Rows of the split left out because they belong to no class or to several.</summary>
    [JsonPropertyName("excluded_rows")]
    public required int ExcludedRows { get; init; }

    [JsonPropertyName("accuracy")]
    public required double Accuracy { get; init; }

    [JsonPropertyName("macro_f1")]
    public required double MacroF1 { get; init; }

    [JsonPropertyName("macro_precision")]
    public required double MacroPrecision { get; init; }

    [JsonPropertyName("macro_recall")]
    public required double MacroRecall { get; init; }

    [JsonPropertyName("cohen_kappa")]
    public required double CohenKappa { get; init; }

    /// <summary>Mean one-vs-rest AUROC over the classes present.</summary>
    [JsonPropertyName("auroc_macro")]
    public required double AurocMacro { get; init; }

    /// <summary>One-vs-rest AUROC of each class (NaN for a class without images).</summary>
    [JsonPropertyName("auroc")]
    public required IReadOnlyDictionary<string, double> Auroc { get; init; }

    [JsonPropertyName("class_counts")]
    public required IReadOnlyDictionary<string, int> ClassCounts { get; init; }

    /// <summary>Prompts ensembled per class.</summary>
    [JsonPropertyName("prompts")]
    public required IReadOnlyDictionary<string, int> Prompts { get; init; }

    /// <summary>With two classes: AUROC of the first class ranked by the score difference (BioViL's protocol); else null.</summary>
    [JsonPropertyName("auroc_score_difference")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? AurocScoreDifference { get; init; }

    /// <summary>Bootstrap 95% interval of the accuracy, when the task asks for resamples.</summary>
    [JsonPropertyName("accuracy_ci95")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ConfidenceInterval? AccuracyCi95 { get; init; }

    /// <summary>Bootstrap 95% interval of the macro AUROC, when resamples were asked for and it is defined.</summary>
    [JsonPropertyName("auroc_macro_ci95")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ConfidenceInterval? AurocMacroCi95 { get; init; }
}
