namespace CxrVL.Tasks.ReportGeneration;

/// <summary>
/// A split's generated (or retrieved) reports and their references, keyed by study id in the order they were decoded,
/// with what the references are: the manifest split and the report sections that form the target text.
/// </summary>
public sealed record GeneratedReports(
    string Split, IReadOnlyList<string> Sections, IReadOnlyDictionary<string, string> Predictions, IReadOnlyDictionary<string, string> References);
