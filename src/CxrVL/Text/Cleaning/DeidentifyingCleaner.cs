namespace CxrVL.Text.Cleaning;

/// <summary>Applies a de-identification policy to the raw report before a recipe cleans it.</summary>
internal sealed class DeidentifyingCleaner(IReportCleaner inner, DeidentificationMode mode, string replacement) : IReportCleaner
{
    public string Name => inner.Name;

    public CleanedReport Clean(string report) => inner.Clean(Deidentification.Apply(report, mode, replacement));
}
