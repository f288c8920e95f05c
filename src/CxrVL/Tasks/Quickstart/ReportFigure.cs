namespace CxrVL.Tasks.Quickstart;

/// <summary>A picture for the report: its title, encoded bytes (PNG or JPEG, by content) and a caption.</summary>
public sealed record ReportFigure(string Title, byte[] Image, string Caption);
