using CxrVL.Data.Builders;

namespace CxrVL.Tests.Data.Builders;

public sealed class ParallelBatchesTests
{
    [Fact]
    public void ResultsComeInOrderInBatchesOfTheGivenSize()
    {
        var batches = ParallelBatches.Map(1001, i => i * i, size: 100).ToList();

        Assert.Equal(Enumerable.Range(0, 1001).Select(i => i * i), batches.SelectMany(b => b));
        Assert.Equal([100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 1], batches.Select(b => b.Length));
        Assert.Empty(ParallelBatches.Map(0, i => i));
    }

    [Fact]
    public void AnExceptionIsRethrownAsItselfWhenItsBatchIsReached()
    {
        var seen = new List<int>();

        var error = Assert.Throws<CxrVLException>(() =>
        {
            foreach (var batch in ParallelBatches.Map(300, i => i == 250 ? throw new CxrVLException("study 250") : i, size: 100))
                seen.AddRange(batch);
        });

        Assert.Equal("study 250", error.Message);
        Assert.Equal(Enumerable.Range(0, 200), seen);
    }
}
