namespace CxrVL.Imaging;

/// <summary>What a DICOM file's header says about its image (no pixel is decoded to learn it).</summary>
public sealed record DicomImageInfo(int Rows, int Columns, int Frames, int BitsAllocated, string Photometric, string TransferSyntax, bool HasPixelData);
