using CxrVL.Configuration;
using CxrVL.Runs;
using CxrVL.Runtime;

namespace CxrVL.Tests.Runs;

public sealed class RunFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cxrvl-runs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void DefaultFolderIsNameDashTimestampAndNeverReused()
    {
        var now = new DateTime(2026, 11, 22, 9, 5, 7);
        using var first = RunFolder.Create("clip run", runsRoot: _root, now: now, console: TextWriter.Null);
        using var second = RunFolder.Create("clip run", runsRoot: _root, now: now, console: TextWriter.Null);

        Assert.Equal(Path.Combine(_root, "clip-run-20261122-090507"), first.Path);
        Assert.Equal(Path.Combine(_root, "clip-run-20261122-090507-2"), second.Path);
        Assert.True(Directory.Exists(first.CheckpointsPath));
    }

    [Fact]
    public void ResolvedConfigIsWrittenAndLoadsBack()
    {
        var config = new SelfCheckConfig();
        config.Train.Steps = 3;
        using (var run = RunFolder.Create("x", Path.Combine(_root, "out"), console: TextWriter.Null))
            run.WriteConfig(config, ["cxrvl", "selfcheck", "--set", "train.steps=3", "it's"]);

        var loaded = ConfigLoader.Load<SelfCheckConfig>(Path.Combine(_root, "out", "config.yaml"));
        Assert.Equal(3, loaded.Train.Steps);
        Assert.Equal("cxrvl selfcheck --set train.steps=3 'it'\\''s'", File.ReadAllText(Path.Combine(_root, "out", "command.txt")).Trim());
    }

    [Fact]
    public void MetricsLinesAreValidJsonEvenForNonFiniteValues()
    {
        var path = Path.Combine(_root, "metrics.jsonl");
        using (var log = new MetricsLog(path))
        {
            log.Write(new Dictionary<string, object?> { ["step"] = 1, ["loss"] = 0.5 });
            log.Write(new Dictionary<string, object?> { ["step"] = 2, ["loss"] = double.NaN });
        }

        var lines = MetricsLog.Read(path).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(0.5, lines[0].GetProperty("loss").GetDouble());
        Assert.Equal("NaN", lines[1].GetProperty("loss").GetString());
    }

    [Fact]
    public void AtomicWriteReplacesWholeFileAndLeavesNoTemporary()
    {
        var path = Path.Combine(_root, "ckpt.bin");
        AtomicFile.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() =>
            AtomicFile.Write(path, stream =>
            {
                stream.WriteByte(1);
                throw new InvalidOperationException("crash mid-write");
            }));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_root));
    }
}
