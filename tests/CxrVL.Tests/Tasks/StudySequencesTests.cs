using CxrVL.Data.Manifest;
using CxrVL.Tasks.Pretraining;

namespace CxrVL.Tests.Tasks;

public sealed class StudySequencesTests
{
    private static ManifestRow Row(string subject, string study, int? order = null, string? time = null) =>
        new() { Dataset = "d", SubjectId = subject, StudyId = study, Order = order, StudyTime = time };

    [Fact]
    public void ChunksFollowEachPatientsTimeOrder()
    {
        ManifestRow[] rows =
        [
            Row("a", "s3", time: "2180-05-06T10:00:00"), Row("b", "x", order: 1), Row("a", "s1", time: "2180-01-02T09:00:00"),
            Row("a", "s5", time: "2181-01-01T00:00:00"), Row("a", "s2", time: "2180-01-02T17:30:00"), Row("b", "y", order: 0),
            Row("a", "s4", time: "2180-12-31T23:59:00"),
        ];

        var chunks = StudySequences.Chunks(rows, 4);

        // Patient a: s1 s2 s3 s4 | s5; patient b by order: y x.
        Assert.Equal([[2, 4, 0, 6], [3], [5, 1]], chunks);
    }

    [Fact]
    public void TrainingBatchesHoldWholeChunksWithTheCompleteOnesSpreadAndFirst()
    {
        // 3 complete chunks of 4 and 7 shorter ones, 3 chunks per batch: 3 batches, one complete chunk each, 1 chunk left out.
        var chunks = Enumerable.Range(0, 10).Select(c => Enumerable.Range(c * 10, c % 3 == 0 && c < 9 ? 4 : 2).ToArray()).ToList();

        var plan = StudySequences.Plan(chunks, 4, 3, train: true, seed: 5, epoch: 0);

        Assert.Equal(3, plan.Count);
        Assert.All(plan, batch => Assert.Equal(3, batch.Count));
        Assert.All(plan, batch => Assert.Equal(4, chunks[batch[0]].Length));
        Assert.All(plan, batch => Assert.All(batch.Skip(1), c => Assert.Equal(2, chunks[c].Length)));
        Assert.Equal(9, plan.SelectMany(b => b).Distinct().Count());
        Assert.NotEqual(plan, StudySequences.Plan(chunks, 4, 3, train: true, seed: 5, epoch: 1));
        Assert.Equal(plan, StudySequences.Plan(chunks, 4, 3, train: true, seed: 5, epoch: 0));
    }

    [Fact]
    public void EvaluationKeepsEveryChunkInOrder()
    {
        int[][] chunks = [[0, 1], [2, 3, 4, 5], [6], [7, 8, 9, 10], [11]];

        var plan = StudySequences.Plan(chunks, 4, 2, train: false, seed: 5, epoch: 0);

        Assert.Equal([[1, 0], [3, 2], [4]], plan);
    }
}
