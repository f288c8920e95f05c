using CxrVL.Training;

namespace CxrVL.Methods.Encoders;

/// <summary>An image-report method: trainable by the shared trainer and usable for embedding, zero-shot and retrieval.</summary>
public interface IPretrainingMethod : ITrainingMethod<AlignmentBatch>, IAlignmentModel;
