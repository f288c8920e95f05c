using static TorchSharp.torch;

namespace CxrVL.Training;

/// <summary>
/// A pretraining or fine-tuning method as the shared <see cref="Trainer{TBatch}"/> sees it: a model and its loss.
/// The trainer owns the loop, the optimizer, schedules, accumulation, clipping, checkpoints and logging.
/// </summary>
public interface ITrainingMethod<in TBatch> : IDisposable
{
    /// <summary>Everything that is trained and checkpointed.</summary>
    nn.Module Model { get; }

    /// <summary>Layer index of a parameter for layer-wise lr decay; null when the model has no layers for it.</summary>
    Func<string, int>? LayerId => null;

    int LayerCount => 0;

    /// <summary>Called when a stage starts (also on resume into it), before its optimizer is built: freeze or unfreeze here.</summary>
    void OnStageStart(TrainingProgress progress) { }

    /// <summary>Forward pass and losses of one micro-batch, in training mode.</summary>
    LossTerms Loss(TBatch batch, TrainingProgress progress);

    /// <summary>After every optimizer step: momentum encoders, prototype normalisation, queues.</summary>
    void AfterOptimizerStep(TrainingProgress progress) { }
}
