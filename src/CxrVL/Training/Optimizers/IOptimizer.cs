using static TorchSharp.torch;

namespace CxrVL.Training.Optimizers;

/// <summary>
/// An optimizer whose state is a flat set of named tensors, so it checkpoints to safetensors and resumes exactly.
/// </summary>
public interface IOptimizer : IDisposable
{
    IReadOnlyList<ParameterGroup> Groups { get; }

    void ZeroGrad();

    /// <summary>
    /// Allocates now the state that the first <see cref="Step"/> would create, where its initial value does not depend on
    /// the first gradient (Adam's zero moments; SGD's momentum starts as the first gradient and stays lazy).
    /// </summary>
    void AllocateState();

    /// <summary>Updates every parameter that has a gradient, with each group's current <see cref="ParameterGroup.LearningRate"/>.</summary>
    void Step();

    /// <summary>State tensors keyed <c>&lt;parameter name&gt;.&lt;state&gt;</c>; the tensors are the live state, not copies.</summary>
    IReadOnlyDictionary<string, Tensor> State();

    /// <summary>Copies saved state in; a missing or mis-shaped entry is an error naming the key.</summary>
    void LoadState(IReadOnlyDictionary<string, Tensor> state);
}
