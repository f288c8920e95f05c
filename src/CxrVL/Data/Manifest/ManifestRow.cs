using System.Text.Json.Serialization;

namespace CxrVL.Data.Manifest;

/// <summary>
/// One study of a dataset: one line of a manifest (JSON Lines, snake_case keys, null values omitted).
/// Builders keep every study the source lists; what is missing (a report section, an image file) is recorded,
/// not dropped, so each method's dataset stage filters and reports its own counts.
/// </summary>
public sealed record ManifestRow
{
    /// <summary>Source name as given to <c>cxrvl data build</c> (<c>mimic-cxr</c>, <c>iu-xray</c>, ...).</summary>
    [JsonConverter(typeof(RepeatedStringConverter))]
    public required string Dataset { get; init; }

    /// <summary>Patient identifier as the source spells it; splits are disjoint by this id.</summary>
    public required string SubjectId { get; init; }

    /// <summary>Study identifier, unique within the dataset.</summary>
    public required string StudyId { get; init; }

    /// <summary><c>train</c>, <c>valid</c> or <c>test</c> (<see cref="ManifestSplits"/>); null when the source has none and none was drawn.</summary>
    [JsonConverter(typeof(RepeatedStringConverter))]
    public string? Split { get; init; }

    /// <summary>Acquisition time, ISO 8601 (<c>2180-05-06T22:41:00</c>), as the source gives it (MIMIC dates are shifted).</summary>
    public string? StudyTime { get; init; }

    /// <summary>0-based position of this study among the patient's studies in time, where the source allows ordering.</summary>
    public int? Order { get; init; }

    /// <summary>The study's images; an image the source lists but that is not on disk has <c>present: false</c>.</summary>
    public IReadOnlyList<ManifestImage> Images { get => _images; init => _images = value ?? []; }

    /// <summary>Report text and sections; null when the source has no report for the study.</summary>
    public ManifestReport? Report { get; init; }

    /// <summary>Label name (as the source spells it) to 1 positive, 0 negative, -1 uncertain; a label not in the map was not mentioned.</summary>
    [JsonConverter(typeof(LabelsConverter))]
    public IReadOnlyDictionary<string, int> Labels { get => _labels; init => _labels = value ?? EmptyLabels; }

    /// <summary>Training-data fractions in percent (1, 10, ...) whose subset holds this study; nested by construction.</summary>
    public IReadOnlyList<int>? Fractions { get; init; }

    /// <summary>Licence, URL and DOI, where the source records them.</summary>
    public ManifestProvenance? Provenance { get; init; }

    /// <summary>Other source fields worth keeping (age, sex, finding, ...), verbatim.</summary>
    public IReadOnlyDictionary<string, string>? Meta { get; init; }

    /// <summary>True when the study is in the training subset of <paramref name="percent"/>% (100 = the whole training split).</summary>
    public bool InFraction(int percent) =>
        Split == ManifestSplits.Train && (percent >= 100 || (Fractions?.Contains(percent) ?? false));

    // The JSON source generator sets every init property, passing null for absent keys; these keep the defaults.
    private static readonly IReadOnlyDictionary<string, int> EmptyLabels = new Dictionary<string, int>();
    private readonly IReadOnlyList<ManifestImage> _images = [];
    private readonly IReadOnlyDictionary<string, int> _labels = EmptyLabels;
}
