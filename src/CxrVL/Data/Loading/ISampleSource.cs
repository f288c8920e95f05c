using CxrVL.Imaging;

namespace CxrVL.Data.Loading;

/// <summary>
/// The rows a loader reads. <see cref="Load"/> runs on worker threads, so it must be thread-safe; it draws every
/// random choice from the given stream and throws <see cref="BadRowException"/> for a bad row.
/// </summary>
public interface ISampleSource<out TSample> where TSample : IDisposable
{
    int Count { get; }

    TSample Load(int index, TransformRandom random);
}
