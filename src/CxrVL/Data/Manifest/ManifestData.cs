namespace CxrVL.Data.Manifest;

/// <summary>
/// A manifest's rows with the dataset root its info file names (where the rows' image paths start): what every task
/// that reads images opens first. The info file is read first, so a missing manifest or info file is the error. Rows
/// come from <see cref="ManifestReader.ReadAll"/>: parsed on all cores, report texts decoded when asked.
/// </summary>
public sealed record ManifestData(string Path, string Root, IReadOnlyList<ManifestRow> Rows)
{
    public static ManifestData Open(string manifestPath)
    {
        var info = ManifestInfo.ReadFor(manifestPath);
        return new ManifestData(manifestPath, info.Root, ManifestReader.ReadAll(manifestPath));
    }
}
