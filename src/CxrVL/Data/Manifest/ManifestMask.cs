namespace CxrVL.Data.Manifest;

/// <summary>
/// A segmentation mask for one structure or finding. <paramref name="Path"/> is relative to the dataset root; the
/// mask may be at a different resolution than the image (it is resized onto the image frame when read).
/// </summary>
public sealed record ManifestMask(string Label, string Path);
