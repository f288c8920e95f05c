using CxrVL.Data.Manifest;

namespace CxrVL.Data.Builders;

/// <summary>
/// Reads one dataset exactly as its publisher distributes it and yields one manifest row per study, keeping every
/// study the source lists. Splits drawn by the build (when <see cref="HasSplit"/> is false) and training fractions
/// are added afterwards by <see cref="ManifestBuild"/>.
/// </summary>
public interface IDatasetBuilder
{
    /// <summary>The name <c>cxrvl data build</c> takes (<c>mimic-cxr</c>, <c>iu-xray</c>, ...).</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>Whether rows come with the source's own split; otherwise a patient-disjoint split is drawn with the seed.</summary>
    bool HasSplit(BuildOptions options);

    /// <summary>How much work <see cref="Build"/> reports through <see cref="BuildContext.Advance"/> (bytes or files).</summary>
    long WorkUnits(BuildOptions options);

    /// <summary>What one work unit is, for the progress rate (<c>B</c> for bytes, <c>files</c>).</summary>
    string WorkUnitName => "B";

    IEnumerable<ManifestRow> Build(BuildContext context);
}
