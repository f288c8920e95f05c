using CxrVL.Data.Loading;
using CxrVL.Methods.Encoders;
using CxrVL.Training;

namespace CxrVL.Tasks.Pretraining;

/// <summary>Image-report batches for pretraining (<see cref="PairSource"/>, <see cref="SequenceSource"/>) with the loader's bad-row counts.</summary>
public interface IPairBatchSource : IBatchSource<AlignmentBatch>
{
    LoaderStats Stats { get; }
}
