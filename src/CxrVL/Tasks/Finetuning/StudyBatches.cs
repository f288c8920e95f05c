using CxrVL.Data.Loading;
using CxrVL.Data.Manifest;
using CxrVL.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Finetuning;

/// <summary>Study batches for the trainer and for evaluation: the study loader over the rows, tensors moved to the device.</summary>
public sealed class StudyBatches : IBatchSource<StudyBatch>
{
    private readonly BatchLoader<StudySample, StudyBatch> _loader;
    private readonly Device _device;

    public StudyBatches(IReadOnlyList<ManifestRow> rows, string root, StudyOptions options, int batchSize, bool train, int workers, bool skipBad,
                        int seed, Device device)
    {
        // A tiny fraction (1% of a small set) may hold fewer rows than a batch: train on what there is.
        BatchSize = Math.Max(1, Math.Min(batchSize, rows.Count));
        _loader = StudyLoader.Create(rows, root, options, new LoaderOptions
        {
            BatchSize = BatchSize,
            Workers = workers,
            Shuffle = train,
            DropLast = train,
            SkipBad = skipBad,
            SkipBadSwitch = "--set data.skip_bad=true",
            Seed = seed,
        }, train);
        _device = device;
        Rows = rows;
    }

    public IReadOnlyList<ManifestRow> Rows { get; }

    public int BatchesPerEpoch => _loader.BatchesPerEpoch;

    public int BatchSize { get; }

    public LoaderStats Stats => _loader.Stats;

    public IEnumerable<StudyBatch> Epoch(int epoch, int startBatch = 0)
    {
        var index = 0;
        foreach (var batch in _loader.ReadEpoch(epoch))
        {
            if (index++ < startBatch)
            {
                batch.Dispose();
                continue;
            }
            if (_device.type == DeviceType.CPU)
            {
                yield return batch;
                continue;
            }
            using (batch)
                yield return ToDevice(batch);
        }
    }

    private StudyBatch ToDevice(StudyBatch batch) => new()
    {
        Images = batch.Images.to(_device),
        ImagePresent = batch.ImagePresent?.to(_device),
        Labels = batch.Labels?.to(_device),
        LabelMentioned = batch.LabelMentioned?.to(_device),
        Masks = batch.Masks?.to(_device),
        Boxes = batch.Boxes?.to(_device),
        BoxLabels = batch.BoxLabels?.to(_device),
        Rows = batch.Rows,
        StudyIds = batch.StudyIds,
        Reports = batch.Reports,
    };
}
