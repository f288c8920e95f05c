using CxrVL.Data.Manifest;

namespace CxrVL.Tasks.Finetuning;

/// <summary>
/// The rows a fine-tuning run trains, validates and tests on, after the task's filters and label policies, and how
/// the training fraction was drawn. <see cref="Skipped"/> counts rows left out, by reason.
/// </summary>
public sealed record FinetuneSplits(
    IReadOnlyList<ManifestRow> Train,
    IReadOnlyList<ManifestRow> Valid,
    IReadOnlyList<ManifestRow> Test,
    IReadOnlyList<string> Classes,
    bool MultiClass,
    string FractionSource,
    IReadOnlyDictionary<string, int> Skipped);
