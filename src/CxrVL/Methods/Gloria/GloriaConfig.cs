namespace CxrVL.Methods.Gloria;

/// <summary>GLoRIA's local-loss constants (<c>model.gloria:</c>): gamma1 attention sharpness, gamma2 word aggregation, gamma3 score scale.</summary>
public sealed class GloriaConfig
{
    public double Gamma1 { get; set; } = 4;

    public double Gamma2 { get; set; } = 5;

    public double Gamma3 { get; set; } = 10;
}
