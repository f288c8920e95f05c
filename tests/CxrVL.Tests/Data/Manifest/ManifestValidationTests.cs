using CxrVL.Data.Manifest;
using CxrVL.Tests.Cli;

namespace CxrVL.Tests.Data.Manifest;

/// <summary>
/// Issue 18, items 8, 10, 11 and 17: a manifest is checked once, as it is read, and every command that reads it gets the
/// same verdict. The bad rows are written here by hand at known lines, so the expected file, line and value are known.
/// </summary>
public sealed class ManifestValidationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-manifest-check-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static ManifestRow Row(int i, string? split = "train", IReadOnlyDictionary<string, int>? labels = null) => new()
    {
        Dataset = "test",
        SubjectId = $"p{i}",
        StudyId = $"s{i}",
        Split = split,
        Labels = labels ?? new Dictionary<string, int> { ["Edema"] = i % 2 },
    };

    private string Write(params ManifestRow[] rows)
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.jsonl");
        ManifestWriter.WriteAll(path, rows);
        new ManifestInfo { Dataset = "test", Root = _directory }.WriteFor(path);
        return path;
    }

    [Fact]
    public void ALabelValueOutsideOneZeroMinusOneIsRefusedNamingFileRowAndLabel()
    {
        var path = Write(Row(0), Row(1), Row(2, labels: new Dictionary<string, int> { ["Edema"] = 1, ["Pneumonia"] = 7 }));

        var error = Assert.Throws<CxrVLException>(() => ManifestReader.Read(path).ToList());

        Assert.StartsWith($"{path}:3: label 'Pneumonia' of study 's2' is 7;", error.Message);
        // data stats used to count the 7 as uncertain; it now refuses the manifest with the same message.
        var (code, _, stderr) = CliRunner.Run("data", "stats", path);
        Assert.Equal(2, code);
        Assert.Contains($"{path}:3: label 'Pneumonia' of study 's2' is 7;", stderr);
    }

    [Fact]
    public void AMisspeltSplitIsRefusedWithTheSplitItMeant()
    {
        var path = Write(Row(0), Row(1, split: "training"), Row(2, split: "test"));

        var error = Assert.Throws<CxrVLException>(() => ManifestReader.Read(path).ToList());

        Assert.StartsWith($"{path}:2: split 'training' of study 's1' is not one of train, valid, test (did you mean 'train'?)", error.Message);
    }

    [Fact]
    public void ARowWithoutASplitIsValidAndCountedApart()
    {
        var path = Write(Row(0), Row(1, split: null), Row(2, split: "valid"));

        var rows = ManifestReader.Read(path).ToList();

        Assert.Equal("3 rows: train 1, valid 1, test 0, no split 1", ManifestSplits.Describe(rows));
    }

    [Fact]
    public void ARepeatedStudyIdIsRefusedNamingBothLines()
    {
        var path = Write(Row(0), Row(1), Row(2), Row(1, split: "test"));

        var error = Assert.Throws<CxrVLException>(() => ManifestReader.Read(path).ToList());

        Assert.StartsWith($"{path}:4: study 's1' of dataset 'test' already appears on line 2;", error.Message);
    }

    [Fact]
    public void TheSameStudyIdInTwoDatasetsIsNoRepeat()
    {
        var path = Write(Row(0), Row(1) with { Dataset = "other", StudyId = "s0" });
        Assert.Equal(2, ManifestReader.Read(path).Count());
    }

    [Fact]
    public void AManifestThatIsNotUtf8NamesTheLineAndColumn()
    {
        var path = Write(Row(0), Row(1));
        var lines = File.ReadAllLines(path);
        var second = System.Text.Encoding.UTF8.GetBytes(lines[1]);
        var at = lines[1].IndexOf("s1", StringComparison.Ordinal);
        second[at] = 0xFF;
        File.WriteAllBytes(path, [.. System.Text.Encoding.UTF8.GetBytes(lines[0] + "\n"), .. second, (byte)'\n']);

        var error = Assert.Throws<CxrVLException>(() => ManifestReader.Read(path).ToList());

        Assert.Equal($"{path}:2:{at + 1}: not valid UTF-8 (byte 0xFF); save the file as UTF-8.", error.Message);
    }

    [Fact]
    public void DataLoadOnAMissingManifestNamesTheManifestNotItsInfoFile()
    {
        var missing = Path.Combine(_directory, "nowhere.jsonl");

        var (code, _, error) = CliRunner.Run("data", "load", missing);

        Assert.Equal(2, code);
        Assert.Equal($"error: manifest '{missing}' does not exist; build one with 'cxrvl data build <source> --root DIR --out {missing}'.", error.Trim());
    }

    [Fact]
    public void DataLoadOnAManifestWithoutItsInfoFileNamesTheInfoFile()
    {
        var path = Write(Row(0));
        File.Delete(ManifestInfo.PathFor(path));

        var (code, _, error) = CliRunner.Run("data", "load", path);

        Assert.Equal(2, code);
        Assert.Contains($"has no info file '{path}.info.json'", error);
    }
}
