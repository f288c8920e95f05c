namespace CxrVL.Data.Manifest;

/// <summary>An axis-aligned box in the pixel frame of the image file on disk: top-left corner and size.</summary>
public sealed record ManifestBox(string Label, double X, double Y, double W, double H);
