using CxrVL.Data.Manifest;
using CxrVL.Files;
using CxrVL.Tests.Imaging;

namespace CxrVL.Tests.Cli;

public sealed class DataLoadCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-data-load-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Loads_the_real_covid_manifest_through_the_loader()
    {
        var manifest = Path.Combine(_directory, "covid.jsonl");
        var (code, output, error) = CliRunner.Run("data", "build", "covid-chestxray", "--root", DataRoots.Dataset("covid-chestxray"), "--out", manifest);
        Assert.True(code == 0, error + output);
        var train = ManifestReader.Read(manifest).Count(r => r.Split == ManifestSplits.Train);

        (code, output, error) = CliRunner.Run("data", "load", manifest, "--split", "train", "--recipe", "prior", "--train");

        Assert.True(code == 0, error + output);
        Assert.Contains($"rows: {train:N0}, epochs: 1, {train:N0} samples; no bad rows skipped", output);
    }

    [Fact]
    public void A_corrupt_image_stops_the_run_or_is_counted_with_skip_bad()
    {
        var images = Directory.CreateDirectory(Path.Combine(_directory, "images")).FullName;
        var good = Directory.GetFiles(TestImages.CovidFolder).Order(StringComparer.Ordinal).Take(3).ToArray();
        foreach (var file in good)
            File.Copy(file, Path.Combine(images, Path.GetFileName(file)));
        var corrupt = TestImages.Truncated(good[0], images);
        var manifest = Path.Combine(_directory, "small.jsonl");
        ManifestWriter.WriteAll(manifest, good.Append(corrupt).Select((path, i) => new ManifestRow
        {
            Dataset = "test", SubjectId = $"p{i}", StudyId = $"s{i}",
            Images = [new ManifestImage { Path = "images/" + Path.GetFileName(path), Present = true, View = "PA" }],
        }));
        new ManifestInfo { Dataset = "test", Root = _directory }.WriteFor(manifest);

        var (code, output, error) = CliRunner.Run("data", "load", manifest);
        Assert.NotEqual(0, code);
        Assert.Contains($"row test/s3, file '{corrupt}': corrupt image", error + output);

        (code, output, error) = CliRunner.Run("data", "load", manifest, "--skip-bad", "--epochs", "2");
        Assert.True(code == 0, error + output);
        Assert.Contains("6 samples; skipped 1 bad row (corrupt image: 1)", output);
        Assert.Contains("skipped row test/s3", output);
    }
}
