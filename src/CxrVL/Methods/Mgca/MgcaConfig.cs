namespace CxrVL.Methods.Mgca;

/// <summary>MGCA's heads, token alignment and prototype constants (<c>model.mgca:</c> of mgca).</summary>
public sealed class MgcaConfig : MgcaTokenAlignmentConfig
{
    public int Prototypes { get; set; } = 500;

    public double Epsilon { get; set; } = 0.05;

    public int SinkhornIterations { get; set; } = 3;

    public double PrototypeTemperature { get; set; } = 0.2;

    /// <summary>Epochs during which the prototypes are not trained (MGCA freezes them for the first).</summary>
    public int FreezePrototypesEpochs { get; set; } = 1;
}
