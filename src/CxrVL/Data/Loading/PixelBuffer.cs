using System.Buffers;

namespace CxrVL.Data.Loading;

/// <summary>A pooled float buffer for one sample's pixels; disposing returns it to the shared pool.</summary>
public sealed class PixelBuffer : IDisposable
{
    private float[]? _array;

    public PixelBuffer(int length)
    {
        _array = ArrayPool<float>.Shared.Rent(length);
        Length = length;
    }

    public int Length { get; }

    public Span<float> Span => (_array ?? throw new ObjectDisposedException(nameof(PixelBuffer))).AsSpan(0, Length);

    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
            ArrayPool<float>.Shared.Return(array);
    }
}
