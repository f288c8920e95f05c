using CxrVL.Methods.Alignment;

namespace CxrVL.Methods.Mgca;

/// <summary>
/// MGCA's BatchNorm heads and word/patch alignment (<c>model.mgca:</c> of medst, which builds on them): the part of
/// <see cref="MgcaConfig"/> without the prototypes.
/// </summary>
public class MgcaTokenAlignmentConfig
{
    public int HiddenDim { get; set; } = 2048;

    public double LocalTemperature { get; set; } = 0.1;

    /// <summary>Also align each patch with its attended words (MGCA's bidirectional=True).</summary>
    public bool Bidirectional { get; set; } = true;

    /// <summary>Padded word slots left out of the word-side alignment (CxrVL) or taking part as MGCA and MedST release it.</summary>
    public LocalLossPadding LocalLossPadding { get; set; } = LocalLossPadding.Exclude;
}
