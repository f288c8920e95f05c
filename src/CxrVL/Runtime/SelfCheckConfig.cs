namespace CxrVL.Runtime;

/// <summary>Recipe of the installation self-check (<c>configs/selfcheck.yaml</c>).</summary>
public sealed class SelfCheckConfig
{
    public string Name { get; set; } = "selfcheck";

    public SelfCheckModel Model { get; set; } = new();

    public SelfCheckTraining Train { get; set; } = new();

    public SelfCheckBenchmark Benchmark { get; set; } = new();
}

public sealed class SelfCheckModel
{
    public int Channels { get; set; } = 8;

    public int ImageSize { get; set; } = 32;

    public int Classes { get; set; } = 3;
}

public sealed class SelfCheckTraining
{
    public int Steps { get; set; } = 40;

    public int BatchSize { get; set; } = 16;

    public double LearningRate { get; set; } = 0.03;
}

public sealed class SelfCheckBenchmark
{
    public int MatmulSize { get; set; } = 1024;

    public int MatmulRepeats { get; set; } = 10;
}
