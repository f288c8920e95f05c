namespace CxrVL.Data.Download;

/// <summary>
/// A public dataset <c>cxrvl data get</c> fetches: the publisher's archives and where each archive entry goes in
/// the layout the builders read.
/// </summary>
/// <param name="Name">The dataset name, as for <c>cxrvl data build</c>.</param>
/// <param name="Archives">The publisher's archive URLs.</param>
/// <param name="Place">Maps an archive entry name to its path under the output folder, or null to skip it.</param>
public sealed record DatasetDownload(string Name, string Description, IReadOnlyList<Uri> Archives, Func<string, string?> Place)
{
    public static IReadOnlyList<DatasetDownload> All { get; } =
    [
        new("covid-chestxray", "ieee8023 COVID-19 image data collection (GitHub)",
            [new Uri("https://github.com/ieee8023/covid-chestxray-dataset/archive/refs/heads/master.zip")],
            // The GitHub archive wraps the repository in one top folder; the builders read the repository layout.
            entry => entry.IndexOf('/') is var slash and > 0 && slash < entry.Length - 1 ? entry[(slash + 1)..] : null),
        new("iu-xray", "Indiana University chest X-rays from Open-i (reports XML and PNG images)",
            [new Uri("https://openi.nlm.nih.gov/imgs/collections/NLMCXR_reports.tgz"), new Uri("https://openi.nlm.nih.gov/imgs/collections/NLMCXR_png.tgz")],
            entry => Path.GetExtension(entry).ToLowerInvariant() switch
            {
                ".xml" => $"ecgen-radiology/{Path.GetFileName(entry)}",
                ".png" => $"images/{Path.GetFileName(entry)}",
                _ => null,
            }),
    ];

    public static DatasetDownload Get(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new CxrVLException($"'{name}' cannot be downloaded: the public sets are {string.Join(", ", All.Select(d => d.Name))}. The others need the publisher's registration (PhysioNet, Stanford, Kaggle).");
}
