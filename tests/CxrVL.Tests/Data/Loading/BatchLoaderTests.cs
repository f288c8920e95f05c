using CxrVL.Data.Loading;

namespace CxrVL.Tests.Data.Loading;

public sealed class BatchLoaderTests
{
    private static BatchLoader<FakeSample, FakeBatch> Loader(Tracker tracker, int rows = 50, int workers = 2, int prefetch = 3,
        ISet<int>? bad = null, bool skipBad = false, int batchSize = 8, int maxDelayMs = 2) =>
        new(new FakeSource(rows, tracker, bad, maxDelayMs), new FakeCollator(tracker),
            new LoaderOptions { BatchSize = batchSize, Workers = workers, Prefetch = prefetch, Seed = 42, SkipBad = skipBad });

    private static List<(int[] Rows, double[] Draws)> Read(BatchLoader<FakeSample, FakeBatch> loader, int epoch)
    {
        var batches = new List<(int[], double[])>();
        foreach (var batch in loader.ReadEpoch(epoch))
        {
            using (batch)
                batches.Add((batch.Rows, batch.Draws));
        }
        return batches;
    }

    [Fact]
    public void Batches_are_the_same_for_any_worker_count_and_timing()
    {
        var reference = Read(Loader(new Tracker(), workers: 1, prefetch: 1), epoch: 3);
        foreach (var (workers, prefetch) in new[] { (2, 2), (4, 3), (3, 8) })
        {
            var batches = Read(Loader(new Tracker(), workers: workers, prefetch: prefetch), epoch: 3);
            Assert.Equal(reference.Count, batches.Count);
            for (var k = 0; k < reference.Count; k++)
            {
                Assert.Equal(reference[k].Rows, batches[k].Rows);
                Assert.Equal(reference[k].Draws, batches[k].Draws);
            }
        }
    }

    [Fact]
    public void Starting_at_a_batch_reads_only_the_rest_and_gives_the_same_batches()
    {
        var full = Read(Loader(new Tracker()), epoch: 2);
        var tracker = new Tracker();
        var rest = new List<(int[] Rows, double[] Draws)>();
        foreach (var batch in Loader(tracker).ReadEpoch(2, firstBatch: 4))
        {
            using (batch)
                rest.Add((batch.Rows, batch.Draws));
        }

        Assert.Equal(full.Count - 4, rest.Count);
        for (var k = 0; k < rest.Count; k++)
        {
            Assert.Equal(full[k + 4].Rows, rest[k].Rows);
            Assert.Equal(full[k + 4].Draws, rest[k].Draws);
        }
        Assert.Equal(rest.Sum(b => b.Rows.Length), tracker.Loads);
        Assert.Equal(0, tracker.Live);
    }

    [Fact]
    public void Each_epoch_is_a_new_permutation_of_all_rows()
    {
        var loader = Loader(new Tracker(), rows: 50, batchSize: 8);
        var first = Read(loader, 0).SelectMany(b => b.Rows).ToArray();
        var second = Read(loader, 1).SelectMany(b => b.Rows).ToArray();

        Assert.Equal(Enumerable.Range(0, 50), first.Order());
        Assert.Equal(Enumerable.Range(0, 50), second.Order());
        Assert.NotEqual(first, second);
        Assert.NotEqual(Enumerable.Range(0, 50), first);
        Assert.Equal(7, loader.BatchesPerEpoch);
        Assert.Equal(first, Read(Loader(new Tracker(), rows: 50, batchSize: 8), 0).SelectMany(b => b.Rows));
    }

    [Fact]
    public void Unshuffled_drop_last_reads_rows_in_order()
    {
        var tracker = new Tracker();
        var loader = new BatchLoader<FakeSample, FakeBatch>(new FakeSource(20, tracker), new FakeCollator(tracker),
            new LoaderOptions { BatchSize = 6, Shuffle = false, DropLast = true });

        var rows = Read(loader, 0).Select(b => b.Rows).ToArray();

        Assert.Equal(3, rows.Length);
        Assert.Equal(Enumerable.Range(0, 18), rows.SelectMany(r => r));
    }

    [Fact]
    public void Prefetch_bounds_the_batches_in_memory()
    {
        var tracker = new Tracker();
        var loader = Loader(tracker, rows: 120, workers: 3, prefetch: 2, batchSize: 4, maxDelayMs: 0);
        foreach (var batch in loader.ReadEpoch(0))
        {
            using (batch)
                Thread.Sleep(3);
        }
        // The consumer's batch plus at most `prefetch` built or being built.
        Assert.InRange(tracker.MaxLive, 1, 3);
        Assert.Equal(0, tracker.Live);
    }

    [Fact]
    public async Task Leaving_mid_epoch_stops_the_workers_and_frees_every_batch()
    {
        var tracker = new Tracker();
        var loader = Loader(tracker, rows: 400, workers: 3, prefetch: 4, batchSize: 4);
        var taken = 0;
        foreach (var batch in loader.ReadEpoch(0))
        {
            batch.Dispose();
            if (++taken == 2)
                break;
        }

        Assert.Equal(0, tracker.Live);
        var loads = tracker.Loads;
        await Task.Delay(100);
        Assert.Equal(loads, tracker.Loads);
        Assert.True(loads < 400, $"{loads} rows loaded after leaving at batch 2");
    }

    [Fact]
    public async Task Cancellation_ends_the_epoch_without_hanging_or_leaking()
    {
        var tracker = new Tracker();
        var loader = Loader(tracker, rows: 400, workers: 2, prefetch: 4, batchSize: 4);
        using var cancel = new CancellationTokenSource();

        var reading = Task.Run(async () =>
        {
            await foreach (var batch in loader.ReadEpochAsync(0, cancel.Token))
            {
                batch.Dispose();
                await cancel.CancelAsync();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(0, tracker.Live);
    }

    [Fact]
    public void A_bad_row_stops_the_epoch_at_its_batch_naming_the_row()
    {
        var tracker = new Tracker();
        var loader = Loader(tracker, rows: 40, bad: new HashSet<int> { 13 }, batchSize: 5);
        var badBatch = Array.IndexOf(loader.Order(0), 13) / 5;
        var delivered = 0;

        var error = Assert.Throws<BadRowException>(() =>
        {
            foreach (var batch in loader.ReadEpoch(0))
            {
                batch.Dispose();
                delivered++;
            }
        });

        Assert.Equal(badBatch, delivered);
        Assert.Equal("study-13", error.Row);
        Assert.Contains("row study-13, file '/data/13.jpg'", error.Message);
        Assert.Contains("--skip-bad", error.Message);
        Assert.Equal(0, tracker.Live);
    }

    [Fact]
    public void Skip_bad_skips_counts_and_keeps_the_rest()
    {
        var tracker = new Tracker();
        var loader = Loader(tracker, rows: 40, bad: new HashSet<int> { 4, 13, 20 }, skipBad: true, batchSize: 5);

        var rows = Read(loader, 0).SelectMany(b => b.Rows).ToArray();
        Read(loader, 1);

        Assert.Equal(Enumerable.Range(0, 40).Except([4, 13, 20]), rows.Order());
        Assert.Equal(new Dictionary<string, int> { [BadRowException.EmptyReport] = 1, [BadRowException.MissingImage] = 2 }, loader.Stats.SkippedByKind);
        Assert.Equal(6, loader.Stats.Skips);
        Assert.Equal(74, loader.Stats.Samples);
        Assert.Equal("74 samples; skipped 3 bad rows (empty report: 1, missing image: 2)", loader.Stats.Summary());
    }

    [Fact]
    public void Invalid_options_are_errors_naming_the_key()
    {
        var tracker = new Tracker();
        var error = Assert.Throws<CxrVLException>(() =>
            new BatchLoader<FakeSample, FakeBatch>(new FakeSource(5, tracker), new FakeCollator(tracker), new LoaderOptions { Workers = 0 }));
        Assert.Contains("data.loader.workers", error.Message);
    }
}
