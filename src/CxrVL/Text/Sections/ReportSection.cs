namespace CxrVL.Text.Sections;

/// <summary>One section: its normalized name, the header as written, and its text with whitespace collapsed.</summary>
public sealed record ReportSection(string Name, string Header, string Text);
