namespace CxrVL.Data.Builders;

/// <summary>The builders <c>cxrvl data build &lt;source&gt;</c> knows, by name. Adding a source is one file and one line here.</summary>
public static class DatasetBuilders
{
    public static IReadOnlyList<IDatasetBuilder> All { get; } =
    [
        new MimicCxrBuilder(),
        new IuXrayBuilder(),
        new ChexpertBuilder(),
        new NihBuilder(),
        new RsnaBuilder(),
        new CovidxBuilder(),
        new SiimBuilder(),
        new MsCxrTBuilder(),
        new CovidChestXrayBuilder(),
        new CsvReportBuilder(),
    ];

    public static IDatasetBuilder Get(string name) =>
        All.FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new CxrVLException($"unknown dataset source '{name}'; known sources: {string.Join(", ", All.Select(b => b.Name))}.");
}
