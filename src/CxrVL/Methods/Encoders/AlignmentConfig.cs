using System.ComponentModel.DataAnnotations;
using CxrVL.Methods.Alignment;
using CxrVL.Methods.MedST;
using CxrVL.Methods.Prior;
using CxrVL.Methods.Mrm;

namespace CxrVL.Methods.Encoders;

/// <summary>The <c>model:</c> section of the image-report alignment family (clip, gloria, mgca, medst, prior).</summary>
public sealed class AlignmentConfig
{
    public ImageEncoderConfig Image { get; set; } = new();

    public TextEncoderConfig Text { get; set; } = new();

    /// <summary>Width of the shared embedding space (CLIP/ConVIRT 512, GLoRIA 768, MGCA 128).</summary>
    [Range(1, int.MaxValue)]
    public int EmbedDim { get; set; } = 512;

    /// <summary>Global projection heads (CLIP's linear maps by default).</summary>
    public ProjectionConfig Projection { get; set; } = new();

    /// <summary>Global InfoNCE temperature (the initial one when learned).</summary>
    [Range(0d, double.MaxValue, MinimumIsExclusive = true)]
    public double Temperature { get; set; } = 0.07;

    public bool LearnTemperature { get; set; } = true;

    /// <summary>Mean of both contrastive directions (CxrVL's convention) or their sum (GLoRIA, MGCA, MedST parity).</summary>
    public DirectionReduction DirectionReduction { get; set; } = DirectionReduction.Mean;

    public GloriaConfig Gloria { get; set; } = new();

    public MgcaConfig Mgca { get; set; } = new();

    public MedstConfig Medst { get; set; } = new();

    public PriorConfig Prior { get; set; } = new();

    public MrmConfig Mrm { get; set; } = new();
}

/// <summary>GLoRIA's local-loss constants (gamma1 attention sharpness, gamma2 word aggregation, gamma3 score scale).</summary>
public sealed class GloriaConfig
{
    public double Gamma1 { get; set; } = 4;

    public double Gamma2 { get; set; } = 5;

    public double Gamma3 { get; set; } = 10;
}

/// <summary>MGCA's heads, token alignment and prototype constants.</summary>
public sealed class MgcaConfig
{
    public int HiddenDim { get; set; } = 2048;

    public double LocalTemperature { get; set; } = 0.1;

    /// <summary>Also align each patch with its attended words (MGCA's bidirectional=True).</summary>
    public bool Bidirectional { get; set; } = true;

    public int Prototypes { get; set; } = 500;

    public double Epsilon { get; set; } = 0.05;

    public int SinkhornIterations { get; set; } = 3;

    public double PrototypeTemperature { get; set; } = 0.2;

    /// <summary>Epochs during which the prototypes are not trained (MGCA freezes them for the first).</summary>
    public int FreezePrototypesEpochs { get; set; } = 1;
}
