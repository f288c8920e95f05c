using CxrVL.Data.Loading;
using CxrVL.Data.Manifest;
using CxrVL.Methods.Encoders;
using CxrVL.Text;
using CxrVL.Training;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Pretraining;

/// <summary>
/// Image-report pairs for the trainer: the study loader decodes and augments the images in parallel; the reports are
/// tokenised here, in one pass per batch, with the word map GLoRIA and MGCA need, or by the method's own report batcher
/// (PRIOR's sentence maps, shuffled in training); tensors move to the device.
/// </summary>
public sealed class PairSource : IPairBatchSource
{
    private readonly BatchLoader<StudySample, StudyBatch> _loader;
    private readonly ITextTokenizer _tokenizer;
    private readonly int _maxLength;
    private readonly PairReading _reading;
    private readonly Device _device;
    private readonly IReportBatcher? _reports;
    private readonly bool _train;
    private readonly int _seed;

    /// <param name="batchSize">The global batch: with a <paramref name="shard"/>, this rank reads its slice of each.</param>
    /// <param name="skipBadSwitch">How the caller's user skips bad rows: the recipe key for training, --skip-bad for evaluation.</param>
    public PairSource(IReadOnlyList<ManifestRow> rows, string root, PretrainDataConfig data, PairReading reading, ITextTokenizer tokenizer,
                      int maxLength, int batchSize, bool train, int seed, Device device, IReportBatcher? reports = null, DataShard? shard = null,
                      string skipBadSwitch = "--set data.skip_bad=true")
    {
        var options = new StudyOptions { ImageRecipe = reading.ImageRecipe, ReportSections = data.ReportSections, RequireReport = true, FrontalChoice = data.FrontalChoice };
        var loader = new LoaderOptions
        {
            BatchSize = batchSize,
            Workers = data.Workers,
            Shuffle = train,
            DropLast = train,
            SkipBad = data.SkipBad,
            SkipBadSwitch = skipBadSwitch,
            Seed = seed,
        };
        _loader = StudyLoader.Create(rows, root, options, loader, train, shard: shard);
        _tokenizer = tokenizer;
        _maxLength = maxLength;
        _reading = reading;
        _device = device;
        _reports = reports;
        _train = train;
        _seed = seed;
        BatchSize = batchSize;
    }

    public int BatchesPerEpoch => _loader.BatchesPerEpoch;

    public int BatchSize { get; }

    public LoaderStats Stats => _loader.Stats;

    /// <remarks>A resumed epoch starts at <paramref name="startBatch"/> without decoding the batches before it (batch k depends only on the seed, epoch and k).</remarks>
    public IEnumerable<AlignmentBatch> Epoch(int epoch, int startBatch = 0)
    {
        var index = startBatch;
        foreach (var batch in _loader.ReadEpoch(epoch, startBatch))
        {
            using (batch)
                yield return ToPairs(batch, epoch, index++);
        }
    }

    private AlignmentBatch ToPairs(StudyBatch batch, int epoch, int index)
    {
        // On the CPU .to() returns the same tensor object; the pair batch needs its own handle, as the study batch is disposed.
        var images = batch.Images.to(_device);
        images = ReferenceEquals(images, batch.Images) ? images.alias() : images;
        var reports = batch.Reports.Select(_reading.Text).ToList();
        // A resumed epoch must shuffle as the first pass did: the generator depends only on the seed, epoch and batch.
        var text = _reports is null
            ? ReportTokens.Encode(_tokenizer, reports, _maxLength, _device)
            : _reports.Encode(reports, _train ? new Random(unchecked(_seed * 1_000_003 + epoch * 7_919 + index)) : null, _device);
        return new AlignmentBatch(images, text, batch.Rows);
    }
}
