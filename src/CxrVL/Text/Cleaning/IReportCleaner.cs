namespace CxrVL.Text.Cleaning;

/// <summary>One method's report-cleaning recipe, selectable by name through <see cref="ReportCleaners"/>.</summary>
public interface IReportCleaner
{
    string Name { get; }

    CleanedReport Clean(string report);
}
