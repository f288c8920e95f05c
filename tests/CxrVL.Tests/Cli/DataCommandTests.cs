using CxrVL.Data.Manifest;
using CxrVL.Files;

namespace CxrVL.Tests.Cli;

public sealed class DataCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-data-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (int Code, string Output, string Error) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void BuildThenStatsCountsTheCovidSet()
    {
        var manifest = Path.Combine(_directory, "covid.jsonl");
        var (code, output, error) = Run("data", "build", "covid-chestxray", "--root", DataRoots.Dataset("covid-chestxray"), "--out", manifest, "--seed", "5");
        Assert.True(code == 0, error + output);
        Assert.Contains("images_present             505", output);
        Assert.Equal(5, ManifestInfo.ReadFor(manifest).Seed);

        (code, output, error) = Run("data", "stats", manifest);
        Assert.True(code == 0, error);
        Assert.Contains("rows (studies)               505", output);
        Assert.Contains("masks                        492", output);
        Assert.Contains("  with indication            396 (without: 109)", output);
    }

    [Fact]
    public void UnknownSourceAndMissingManifestAreCleanErrors()
    {
        var (code, _, error) = Run("data", "build", "mimic", "--root", _directory);
        Assert.Equal(2, code);
        Assert.StartsWith("error: unknown dataset source 'mimic'; known sources: mimic-cxr,", error);

        (code, _, error) = Run("data", "stats", Path.Combine(_directory, "none.jsonl"));
        Assert.Equal(2, code);
        Assert.Contains("does not exist", error);
    }
}
