using CxrVL.Data.Loading;
using CxrVL.Data.Manifest;
using CxrVL.Imaging;
using CxrVL.Methods.Encoders;
using CxrVL.Text;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Pretraining;

/// <summary>
/// Sequence-aware image-report batches (MedST): a batch holds whole study sequences (<see cref="StudySequences"/>) of
/// frontal + lateral pairs, the complete sequences first, and says how many of its pairs they are
/// (<see cref="AlignmentBatch.SequenceItems"/>). <c>train.batch_size</c> counts sequences. A bad row (with
/// <c>data.skip_bad</c>) drops its whole sequence from the batch. In a data-parallel job each rank reads a contiguous
/// slice of every batch's sequences (complete ones still first), so ranks together read what one process would.
/// </summary>
public sealed class SequenceSource : IPairBatchSource
{
    private readonly List<int[]> _chunks;
    private readonly StudySource _studies;
    private readonly StudyBatchCollator _collator;
    private readonly PretrainDataConfig _data;
    private readonly ITextTokenizer _tokenizer;
    private readonly int _maxLength;
    private readonly PairReading _reading;
    private readonly int _length;
    private readonly bool _train;
    private readonly long _seed;
    private readonly Device _device;
    private readonly DataShard _shard;

    /// <param name="sequencesPerBatch">The global batch in sequences: with a <paramref name="shard"/>, this rank reads its slice of each.</param>
    public SequenceSource(IReadOnlyList<ManifestRow> rows, string root, PretrainDataConfig data, PairReading reading, ITextTokenizer tokenizer,
                          int maxLength, int sequenceLength, int sequencesPerBatch, bool train, long seed, Device device, DataShard? shard = null)
    {
        var options = new StudyOptions
        {
            ImageRecipe = reading.ImageRecipe, ReportSections = data.ReportSections, RequireReport = true, Views = StudyViews.Pair,
            FrontalChoice = data.FrontalChoice,
        };
        _chunks = StudySequences.Chunks(rows, sequenceLength);
        _studies = new StudySource(rows, root, options, train);
        _collator = new StudyBatchCollator(options.ImageRecipe, options);
        _data = data;
        _tokenizer = tokenizer;
        _maxLength = maxLength;
        _reading = reading;
        _length = sequenceLength;
        _train = train;
        _seed = seed;
        _device = device;
        _shard = shard ?? DataShard.Whole;
        BatchSize = sequencesPerBatch;
    }

    public int BatchesPerEpoch => StudySequences.BatchCount(_chunks.Count, BatchSize, _train);

    /// <summary>Sequences per batch.</summary>
    public int BatchSize { get; }

    public int Sequences => _chunks.Count;

    public int CompleteSequences => _chunks.Count(c => c.Length == _length);

    /// <summary>Bad rows met in the latest epoch.</summary>
    public LoaderStats Stats { get; private set; } = new();

    /// <remarks>A resumed epoch starts at <paramref name="startBatch"/> without decoding the batches before it (batch k depends only on the seed, epoch and k).</remarks>
    public IEnumerable<AlignmentBatch> Epoch(int epoch, int startBatch = 0)
    {
        var plan = StudySequences.Plan(_chunks, _length, BatchSize, _train, _seed, epoch);
        var order = plan.SelectMany(b => b).Select(c => _chunks[c]).ToArray();
        var loader = new BatchLoader<ChunkSample, SequenceBatch>(new ChunkSamples(order, _studies), new ChunkCollator(_collator, _length),
            new LoaderOptions { BatchSize = BatchSize, Workers = _data.Workers, Shuffle = false, SkipBad = _data.SkipBad, SkipBadSwitch = "--set data.skip_bad=true", Seed = _seed }, _shard);
        Stats = loader.Stats;
        foreach (var batch in loader.ReadEpoch(epoch, startBatch))
        {
            using (batch)
                yield return ToPairs(batch);
        }
    }

    private AlignmentBatch ToPairs(SequenceBatch batch)
    {
        using var scope = NewDisposeScope();
        var studies = batch.Studies;
        var text = ReportTokens.Encode(_tokenizer, studies.Reports.Select(_reading.Text).ToList(), _maxLength, _device);
        var frontal = studies.Images.select(1, 0).contiguous().to(_device);
        var lateral = studies.Images.select(1, 1).contiguous().to(_device);
        var hasLateral = studies.ImagePresent!.select(1, 1).contiguous().to(_device);
        foreach (var t in new[] { frontal, lateral, hasLateral, text.InputIds, text.AttentionMask, text.WordIds })
            t.MoveToOuterDisposeScope();
        return new AlignmentBatch(frontal, text, studies.Rows)
        {
            Lateral = lateral, HasLateral = hasLateral, SequenceItems = batch.SequenceItems,
        };
    }

    /// <summary>One sample per chunk: its studies, loaded with the study source (a bad study fails the whole chunk).</summary>
    private sealed class ChunkSamples(int[][] order, StudySource studies) : ISampleSource<ChunkSample>
    {
        public int Count => order.Length;

        public ChunkSample Load(int index, TransformRandom random)
        {
            var samples = new List<StudySample>(order[index].Length);
            try
            {
                foreach (var row in order[index])
                    samples.Add(studies.Load(row, new TransformRandom(random.NextUInt64())));
                return new ChunkSample(samples.ToArray());
            }
            catch
            {
                samples.ForEach(s => s.Dispose());
                throw;
            }
        }
    }

    private sealed class ChunkSample(StudySample[] studies) : IDisposable
    {
        public StudySample[] Studies { get; } = studies;

        public void Dispose()
        {
            foreach (var study in Studies)
                study.Dispose();
        }
    }

    private sealed class ChunkCollator(StudyBatchCollator studies, int length) : IBatchCollator<ChunkSample, SequenceBatch>
    {
        public SequenceBatch Collate(IReadOnlyList<ChunkSample> samples, IReadOnlyList<int> rows)
        {
            var flat = samples.SelectMany(s => s.Studies).ToList();
            var complete = samples.TakeWhile(s => s.Studies.Length == length).Count();
            return new SequenceBatch(studies.Collate(flat, flat.Select(s => s.Row).ToList()), complete * length);
        }
    }

    private sealed record SequenceBatch(StudyBatch Studies, int SequenceItems) : IDisposable
    {
        public void Dispose() => Studies.Dispose();
    }
}
