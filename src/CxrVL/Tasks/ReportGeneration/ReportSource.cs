using CxrVL.Data.Loading;
using CxrVL.Data.Manifest;
using CxrVL.Generation;
using CxrVL.Imaging;
using CxrVL.Text;
using CxrVL.Training;
using static TorchSharp.torch;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary>
/// Studies with their target reports for the trainer: images decoded and augmented in parallel by the study loader,
/// reports cleaned and encoded with the word vocabulary on the workers, prototype-selection labels per row.
/// </summary>
public sealed class ReportSource : IBatchSource<ReportBatch>
{
    private readonly BatchLoader<StudySample, StudyBatch> _loader;
    private readonly IReadOnlyList<float[]> _labels;
    private readonly Device _device;

    /// <param name="labels">Per row of <paramref name="rows"/>, <see cref="ReportLabels.Count"/> values in {0, 1}.</param>
    public ReportSource(IReadOnlyList<ManifestRow> rows, IReadOnlyList<float[]> labels, string root, RrgDataConfig data,
                        ReportTextPreparer preparer, WordVocabulary vocabulary, int batchSize, bool train, int seed, Device device)
    {
        var options = new StudyOptions
        {
            ImageRecipe = ImageRecipes.BuiltIn.Get(data.ImageRecipe),
            Views = data.Views,
            ReportSections = data.ReportSections,
            RequireReport = true,
            MaxTokens = data.MaxSeqLength,
        };
        var loader = new LoaderOptions
        {
            BatchSize = batchSize,
            Workers = data.Workers,
            Shuffle = train,
            DropLast = train && rows.Count > batchSize,
            SkipBad = data.SkipBad,
            SkipBadSwitch = "--set data.skip_bad=true",
            Seed = seed,
        };
        var encode = new EncodeOptions(data.MaxSeqLength);
        _loader = StudyLoader.Create(rows, root, options, loader, train, text => vocabulary.Encode(preparer.Prepare(text), encode).Ids);
        _labels = labels;
        _device = device;
        BatchSize = batchSize;
    }

    public int BatchesPerEpoch => _loader.BatchesPerEpoch;

    public int BatchSize { get; }

    public LoaderStats Stats => _loader.Stats;

    public IEnumerable<ReportBatch> Epoch(int epoch, int startBatch = 0)
    {
        var index = 0;
        foreach (var batch in _loader.ReadEpoch(epoch))
        {
            using (batch)
            {
                if (index++ < startBatch)
                    continue;
                yield return ToReports(batch);
            }
        }
    }

    private ReportBatch ToReports(StudyBatch batch)
    {
        var k = ReportLabels.Count;
        var labels = new float[batch.Count * k];
        for (var i = 0; i < batch.Count; i++)
            _labels[batch.Rows[i]].CopyTo(labels, i * k);
        return new ReportBatch(
            Own(batch.Images),
            batch.ImagePresent is null ? null : Own(batch.ImagePresent),
            Own(batch.TokenIds ?? throw new InvalidOperationException("the study loader returned no token ids.")),
            Own(batch.AttentionMask!),
            tensor(labels, [batch.Count, k]).to(_device),
            batch.StudyIds, batch.Rows);
    }

    // On the CPU .to() returns the same tensor object; the report batch needs its own handle, as the study batch is disposed.
    private Tensor Own(Tensor source)
    {
        var moved = source.to(_device);
        return ReferenceEquals(moved, source) ? moved.alias() : moved;
    }
}
