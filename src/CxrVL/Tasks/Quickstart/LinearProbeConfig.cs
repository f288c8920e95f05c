namespace CxrVL.Tasks.Quickstart;

/// <summary>Multinomial logistic regression on frozen image embeddings (full batch, AdamW).</summary>
public sealed class LinearProbeConfig
{
    public int Steps { get; set; } = 300;

    public double Lr { get; set; } = 0.01;

    public double WeightDecay { get; set; } = 1e-3;
}
