using System.Globalization;

namespace CxrVL.Tasks.Quickstart;

/// <summary>
/// One metric of one task for the three models (<see cref="QuickstartArm"/>), and the pretrained model's difference to
/// each of the other two with its bootstrap interval over the test items. A model whose training diverged has no number
/// (null), only the step it diverged at; a model the run could not build (a recipe without package weights) has none.
/// </summary>
/// <param name="Items">test items the metric is computed on</param>
public sealed record TaskComparison(string Task, string Metric, double? Random, double? Package, double? Pretrained, int Items, bool HigherIsBetter = true)
{
    public long? RandomDivergedAt { get; init; }

    public long? PackageDivergedAt { get; init; }

    public long? PretrainedDivergedAt { get; init; }

    /// <summary>Pretrained minus random initialisation; null when either has no number.</summary>
    public DifferenceInterval? VersusRandom { get; init; }

    /// <summary>Pretrained minus the package weights without pretraining; null when either has no number.</summary>
    public DifferenceInterval? VersusPackage { get; init; }

    public double? Value(QuickstartArm arm) => arm switch
    {
        QuickstartArm.Random => Random,
        QuickstartArm.Package => Package,
        _ => Pretrained,
    };

    public long? DivergedAt(QuickstartArm arm) => arm switch
    {
        QuickstartArm.Random => RandomDivergedAt,
        QuickstartArm.Package => PackageDivergedAt,
        _ => PretrainedDivergedAt,
    };

    /// <summary>Whether the pretrained model's number is better than <paramref name="other"/>'s (a point comparison, before any interval).</summary>
    public bool PretrainedBeats(QuickstartArm other) =>
        Pretrained is { } pretrained && Value(other) is { } value && !double.IsNaN(pretrained) && !double.IsNaN(value) &&
        (HigherIsBetter ? pretrained > value : pretrained < value);

    /// <summary>A cell as tables show it: "0.652", "n/a" (undefined or not built) or "diverged at step 12".</summary>
    public string Text(QuickstartArm arm) =>
        DivergedAt(arm) is { } step ? $"diverged at step {step}"
        : Value(arm) is { } number && !double.IsNaN(number) ? number.ToString("0.000", CultureInfo.InvariantCulture)
        : "n/a";

    /// <summary>A difference cell: "+0.120 [+0.050, +0.190] gain", "... no clear difference", "... loss" or empty.</summary>
    public string DifferenceText(DifferenceInterval? interval) =>
        interval is null ? ""
        : $"{interval} {(interval.IsGain(HigherIsBetter) ? "gain" : interval.IsLoss(HigherIsBetter) ? "loss" : "within noise")}";
}
