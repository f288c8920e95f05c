namespace CxrVL.Data.Manifest;

/// <summary>Where a study comes from and under which terms, where the source records it.</summary>
public sealed record ManifestProvenance(string? License = null, string? Url = null, string? Doi = null);
