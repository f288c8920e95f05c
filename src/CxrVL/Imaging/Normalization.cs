namespace CxrVL.Imaging;

/// <summary>
/// Per-channel mean and standard deviation on the [0, 1] scale (pixel / full-scale value), applied as
/// (x - mean) / std. One value per output channel; a single value applies to every channel.
/// </summary>
public sealed record Normalization(IReadOnlyList<float> Mean, IReadOnlyList<float> Std)
{
    public static Normalization ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>Raw [0, 1] values (BioViL).</summary>
    public static Normalization None { get; } = Uniform(0, 1);

    public static Normalization Uniform(float mean, float std) => new([mean], [std]);

    public float MeanOf(int channel) => Mean[Mean.Count == 1 ? 0 : channel];

    public float StdOf(int channel) => Std[Std.Count == 1 ? 0 : channel];
}
