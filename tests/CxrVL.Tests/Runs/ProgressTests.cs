using CxrVL.Runs;

namespace CxrVL.Tests.Runs;

public sealed class ProgressTests
{
    [Fact]
    public void PlainProgressPrintsCountsRateAndTheFinalLineOnce()
    {
        var output = new StringWriter();

        var result = ConsoleProgress.Run("epoch 1", 4, progress =>
        {
            for (var i = 0; i < 4; i++)
            {
                progress.SetStatus($"loss {i}");
                progress.Advance();
            }
            return 42;
        }, unit: "batch", output: output, plainInterval: TimeSpan.Zero);

        Assert.Equal(42, result);
        var lines = output.ToString().TrimEnd().Split(Environment.NewLine);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("epoch 1: 1/4 (25.0%)", lines[0]);
        Assert.StartsWith("epoch 1: 4/4 (100.0%)", lines[^1]);
        Assert.Contains("batch/s", lines[^1]);
        Assert.EndsWith("loss 3", lines[^1]);
    }

    [Fact]
    public void LineShowsEtaFromRate() =>
        Assert.Equal("x: 25/100 (25.0%) 5.00 it/s elapsed 00:05 ETA 00:15",
                     ProgressText.Line("x", 25, 100, 5, "it", TimeSpan.FromSeconds(5)));
}
