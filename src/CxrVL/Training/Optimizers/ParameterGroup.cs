using TorchSharp.Modules;

namespace CxrVL.Training.Optimizers;

/// <summary>
/// Parameters that share hyper-parameters. <see cref="LearningRate"/> is set by the trainer every step from the
/// schedule times <see cref="LrScale"/>.
/// </summary>
public sealed class ParameterGroup(string name, IReadOnlyList<(string Name, Parameter Parameter)> parameters, double weightDecay, double lrScale)
{
    public string Name { get; } = name;

    public IReadOnlyList<(string Name, Parameter Parameter)> Parameters { get; } = parameters;

    public double WeightDecay { get; } = weightDecay;

    public double LrScale { get; } = lrScale;

    public double LearningRate { get; set; }
}
