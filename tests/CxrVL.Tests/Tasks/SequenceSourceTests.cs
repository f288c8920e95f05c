using CxrVL.Data.Loading;
using CxrVL.Data.Manifest;
using CxrVL.Files;
using CxrVL.Methods.Encoders;
using CxrVL.Tasks.Pretraining;
using CxrVL.Text;
using static TorchSharp.torch;

namespace CxrVL.Tests.Tasks;

/// <summary>MedST's sequence batches on real shared images: split over data-parallel ranks and resumed mid-epoch.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class SequenceSourceTests
{
    private static readonly PretrainDataConfig Data = new() { ImageRecipe = "small", ReportSections = ["findings"], Workers = 1 };

    /// <summary>5 patients of 4 studies and 4 patients of 1: 9 sequences, 5 of them complete.</summary>
    private static List<ManifestRow> Rows(string imageRoot)
    {
        var images = Directory.GetFiles(imageRoot, "*.jpg").Order(StringComparer.Ordinal).Take(24).ToArray();
        var rows = new List<ManifestRow>();
        for (var i = 0; i < 24; i++)
        {
            var (subject, order) = i < 20 ? ($"p{i / 4}", i % 4) : ($"q{i}", 0);
            rows.Add(new ManifestRow
            {
                Dataset = "covid-chestxray", SubjectId = subject, StudyId = $"s{i:00}", Split = "train", Order = order,
                Images = [new() { Path = Path.GetFileName(images[i]), Present = true, View = "PA" }],
                Report = new ManifestReport(Findings: $"Study {order} of patient {subject}."),
            });
        }
        return rows;
    }

    private static SequenceSource Source(IReadOnlyList<ManifestRow> rows, string root, ITextTokenizer tokenizer, DataShard? shard = null) =>
        new(rows, root, Data, PairReading.Of(Data, PretrainingMethods.BuiltIn), tokenizer, 32, sequenceLength: 4, sequencesPerBatch: 4, train: true, seed: 3, CPU, shard);

    private static List<(int[] Rows, int SequenceItems, float[] Pixels)> Read(SequenceSource source, int epoch, int startBatch = 0)
    {
        var batches = new List<(int[], int, float[])>();
        foreach (var batch in source.Epoch(epoch, startBatch))
        {
            using (batch)
                batches.Add((batch.Rows.ToArray(), batch.SequenceItems, batch.Images.data<float>().ToArray()));
        }
        return batches;
    }

    [Fact]
    public void TwoRanksReadTogetherExactlyTheBatchesOfOneProcess()
    {
        var root = Path.Combine(DataRoots.Dataset("covid-chestxray"), "images");
        var rows = Rows(root);
        var tokenizer = WordVocabulary.Build(rows.Select(r => r.Report!.Findings!.ToLowerInvariant()), threshold: 1);

        var whole = Read(Source(rows, root, tokenizer), epoch: 1);
        var rank0 = Read(Source(rows, root, tokenizer, new DataShard(0, 2)), epoch: 1);
        var rank1 = Read(Source(rows, root, tokenizer, new DataShard(1, 2)), epoch: 1);

        Assert.Equal(2, whole.Count);
        Assert.Equal(whole.Count, rank0.Count);
        Assert.Equal(whole.Count, rank1.Count);
        for (var b = 0; b < whole.Count; b++)
        {
            Assert.Equal(whole[b].Rows, rank0[b].Rows.Concat(rank1[b].Rows));
            Assert.Equal(whole[b].Pixels, rank0[b].Pixels.Concat(rank1[b].Pixels));
            // Each rank's complete sequences come first and are counted on their own.
            Assert.Equal(whole[b].SequenceItems, rank0[b].SequenceItems + rank1[b].SequenceItems);
            Assert.All(new[] { rank0[b], rank1[b] }, r => Assert.Equal(0, r.SequenceItems % 4));
        }
    }

    [Fact]
    public void AResumedEpochStartsAtItsBatchWithTheSameSamples()
    {
        var root = Path.Combine(DataRoots.Dataset("covid-chestxray"), "images");
        var rows = Rows(root);
        var tokenizer = WordVocabulary.Build(rows.Select(r => r.Report!.Findings!.ToLowerInvariant()), threshold: 1);

        var full = Read(Source(rows, root, tokenizer), epoch: 2);
        var resumed = Read(Source(rows, root, tokenizer), epoch: 2, startBatch: 1);

        Assert.Single(resumed);
        Assert.Equal(full[1].Rows, resumed[0].Rows);
        Assert.Equal(full[1].Pixels, resumed[0].Pixels);
    }
}
