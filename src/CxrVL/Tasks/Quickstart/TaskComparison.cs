using System.Globalization;

namespace CxrVL.Tasks.Quickstart;

/// <summary>
/// One metric of one task for the pretrained model and for the same architecture untrained. A side whose training
/// diverged has no number (null), only the step it diverged at: nothing computed from a diverged model is a result.
/// </summary>
public sealed record TaskComparison(string Task, string Metric, double? Pretrained, double? Untrained, bool HigherIsBetter = true)
{
    public long? PretrainedDivergedAt { get; init; }

    public long? UntrainedDivergedAt { get; init; }

    public bool PretrainedWins => Pretrained is { } pretrained && Untrained is { } untrained &&
                                  (HigherIsBetter ? pretrained > untrained : pretrained < untrained);

    /// <summary>The pretrained cell as tables show it: "0.652", "n/a" (undefined) or "diverged at step 12".</summary>
    public string PretrainedText() => Text(Pretrained, PretrainedDivergedAt);

    public string UntrainedText() => Text(Untrained, UntrainedDivergedAt);

    private static string Text(double? value, long? divergedAt) =>
        divergedAt is { } step ? $"diverged at step {step}"
        : value is { } number && !double.IsNaN(number) ? number.ToString("0.000", CultureInfo.InvariantCulture)
        : "n/a";
}
