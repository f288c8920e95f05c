namespace CxrVL.Tasks.Quickstart;

/// <summary>Multinomial logistic regression on the frozen image backbone's pooled features (full batch, AdamW), one per task.</summary>
public sealed class LinearProbeConfig
{
    /// <summary>Class recipes (configs/zeroshot/*.yaml: their classes' labels, views or meta values; prompts unused) the probe classifies.</summary>
    public List<string> Tasks { get; set; } = ["zeroshot/covid-pneumonia", "zeroshot/covid-intubation", "zeroshot/covid-view"];

    public int Steps { get; set; } = 300;

    public double Lr { get; set; } = 0.01;

    public double WeightDecay { get; set; } = 1e-3;
}
