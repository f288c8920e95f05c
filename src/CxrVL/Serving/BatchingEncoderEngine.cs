using System.Threading.Channels;
using CxrVL.Imaging;
using CxrVL.Tasks.ZeroShot;
using static TorchSharp.torch;

namespace CxrVL.Serving;

/// <summary>
/// Puts the images of concurrent requests through the image encoder together: a request's images wait in a channel, one
/// worker takes the first, waits up to <see cref="ServingLimits.BatchWaitMilliseconds"/> for more (up to
/// <see cref="ServingLimits.MaxBatch"/> images), encodes them in one forward pass of the inner engine and hands each
/// request its own rows. The encoders run in evaluation mode, so a row does not depend on its batch-mates.
/// </summary>
internal sealed class BatchingEncoderEngine : IEncoderEngine
{
    private readonly IEncoderEngine _inner;
    private readonly int _maxBatch;
    private readonly TimeSpan _wait;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _worker;
    private int _batches;
    private int _largestBatch;

    public BatchingEncoderEngine(IEncoderEngine inner, int maxBatch, double waitMilliseconds)
    {
        _inner = inner;
        _maxBatch = maxBatch;
        _wait = TimeSpan.FromMilliseconds(waitMilliseconds);
        // One long-lived thread owns the forward passes, so its tensors never meet another thread's dispose scopes.
        _worker = new Thread(Work) { IsBackground = true, Name = "cxrvl-image-batches" };
        _worker.Start();
    }

    /// <summary>Forward passes run so far.</summary>
    public int Batches => Volatile.Read(ref _batches);

    /// <summary>The most images one forward pass has encoded.</summary>
    public int LargestBatch => Volatile.Read(ref _largestBatch);

    public ServingEngine Kind => _inner.Kind;

    public ImageRecipe Recipe => _inner.Recipe;

    /// <summary>Encodes <paramref name="images"/> [n, C, H, W] in the next batch; returns its rows as the inner engine would.</summary>
    public (Tensor Global, Tensor? Regions) EmbedImages(Tensor images)
    {
        var pending = new Pending(images.to(float32).cpu().contiguous().data<float>().ToArray(), (int)images.shape[0]);
        if (!_queue.Writer.TryWrite(pending))
            throw new ObjectDisposedException(nameof(BatchingEncoderEngine));
        var rows = pending.Result.Task.GetAwaiter().GetResult();
        return (rows.Global.ToTensor(), rows.Regions?.ToTensor());
    }

    public Tensor EmbedTexts(IReadOnlyList<string> texts) => _inner.EmbedTexts(texts);

    public ZeroShotClassifier Classifier(ZeroShotConfig config) => _inner.Classifier(config);

    public byte[]? SaliencyPng(float[] pixels, Tensor classEmbedding) => _inner.SaliencyPng(pixels, classEmbedding);

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _worker.Join();
        _inner.Dispose();
    }

    private void Work()
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>();
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            var images = 0;
            var deadline = DateTime.UtcNow + _wait;
            while (images < _maxBatch)
            {
                if (reader.TryRead(out var next))
                {
                    batch.Add(next);
                    images += next.Count;
                    continue;
                }
                var left = deadline - DateTime.UtcNow;
                if (batch.Count == 0 || left <= TimeSpan.Zero || !WaitFor(reader, left))
                    break;
            }
            if (batch.Count > 0)
                Encode(batch);
        }
    }

    private static bool WaitFor(ChannelReader<Pending> reader, TimeSpan time)
    {
        using var timeout = new CancellationTokenSource(time);
        try
        {
            return reader.WaitToReadAsync(timeout.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Encode(List<Pending> batch)
    {
        try
        {
            using var scope = NewDisposeScope();
            var recipe = Recipe;
            var pixels = batch.Count == 1 ? batch[0].Pixels : batch.SelectMany(p => p.Pixels).ToArray();
            var count = batch.Sum(p => p.Count);
            var (global, regions) = _inner.EmbedImages(tensor(pixels, [count, recipe.Channels, recipe.Size, recipe.Size]));
            Interlocked.Increment(ref _batches);
            Volatile.Write(ref _largestBatch, Math.Max(_largestBatch, count));
            var first = 0;
            foreach (var pending in batch)
            {
                var rows = new EncodedRows(Rows.Of(global, first, pending.Count), regions is null ? null : Rows.Of(regions, first, pending.Count));
                first += pending.Count;
                pending.Result.TrySetResult(rows);
            }
        }
        catch (Exception e)
        {
            foreach (var pending in batch)
                pending.Result.TrySetException(e);
        }
    }

    private sealed record Pending(float[] Pixels, int Count)
    {
        public TaskCompletionSource<EncodedRows> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record EncodedRows(Rows Global, Rows? Regions);

    /// <summary>Some rows of a float tensor, copied out so the requesting thread makes its own tensor of them.</summary>
    private sealed record Rows(float[] Values, long[] Shape)
    {
        public static Rows Of(Tensor all, int first, int count)
        {
            using var slice = all.narrow(0, first, count).to(float32).cpu().contiguous();
            return new Rows(slice.data<float>().ToArray(), slice.shape);
        }

        public Tensor ToTensor() => tensor(Values, Shape);
    }
}
