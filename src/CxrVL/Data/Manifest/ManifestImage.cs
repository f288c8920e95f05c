using System.Text.Json.Serialization;

namespace CxrVL.Data.Manifest;

/// <summary>One image of a study.</summary>
public sealed record ManifestImage
{
    /// <summary>Path relative to the dataset root, forward slashes, as the publisher lays the files out.</summary>
    public required string Path { get; init; }

    /// <summary>Whether the file existed when the manifest was built.</summary>
    public required bool Present { get; init; }

    /// <summary>The source's image id (MIMIC <c>dicom_id</c>, NIH file name, ...), where it has one.</summary>
    public string? ImageId { get; init; }

    /// <summary>View position, upper case, as the source spells it (<c>PA</c>, <c>AP</c>, <c>LATERAL</c>, <c>LL</c>, ...); see <see cref="ViewPositions"/>.</summary>
    [JsonConverter(typeof(RepeatedStringConverter))]
    public string? View { get; init; }

    /// <summary>Width in pixels of the file on disk, where the builder read it; boxes are in this frame.</summary>
    public int? Width { get; init; }

    /// <summary>Height in pixels of the file on disk, where the builder read it.</summary>
    public int? Height { get; init; }

    /// <summary>Boxes in this image's pixel frame (the file on disk).</summary>
    public IReadOnlyList<ManifestBox>? Boxes { get; init; }

    /// <summary>Segmentation masks of this image.</summary>
    public IReadOnlyList<ManifestMask>? Masks { get; init; }
}
