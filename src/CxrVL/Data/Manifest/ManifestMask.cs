namespace CxrVL.Data.Manifest;

/// <summary>
/// A segmentation mask of one structure or finding. <see cref="Path"/> is relative to the dataset root. When
/// <see cref="X"/>, <see cref="Y"/>, <see cref="W"/>, <see cref="H"/> are set, the mask bitmap covers only that
/// rectangle of the image (pixel frame of the file on disk) and is resized onto it; otherwise it covers the whole image.
/// </summary>
public sealed record ManifestMask(string Label, string Path, double? X = null, double? Y = null, double? W = null, double? H = null);
