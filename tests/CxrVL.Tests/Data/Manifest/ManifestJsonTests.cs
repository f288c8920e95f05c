using System.IO.Compression;
using System.Text.Json;
using CxrVL.Data.Manifest;

namespace CxrVL.Tests.Data.Manifest;

public sealed class ManifestJsonTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cxrvl-manifest-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static ManifestRow Sample(int i) => new()
    {
        Dataset = "mimic-cxr",
        SubjectId = "10000032",
        StudyId = $"5041{i:D4}",
        Split = ManifestSplits.Train,
        StudyTime = "2180-05-06T22:41:00",
        Order = i,
        Images =
        [
            new ManifestImage
            {
                Path = "files/p10/p10000032/s50414267/02aa804e.jpg", Present = true, ImageId = "02aa804e", View = "PA",
                Width = 2544, Height = 3056,
                Boxes = [new ManifestBox("Right Lung", 10.5, 20, 300, 400)],
                Masks = [new ManifestMask("Left Lung", "segmentation/masks/a_left.png")],
            },
            new ManifestImage { Path = "files/p10/p10000032/s50414267/174413ec.jpg", Present = false, View = "LATERAL" },
        ],
        Report = new ManifestReport(Findings: "No focal consolidation. Größe – “ok”.", Impression: "Normal.", FullText: "FINDINGS: ..."),
        Labels = new Dictionary<string, int> { ["No Finding"] = 1, ["Pleural Effusion"] = -1, ["Edema"] = 0 },
        Fractions = [1, 10],
        Provenance = new ManifestProvenance("CC BY 4.0", "https://example.org/x", null),
        Meta = new Dictionary<string, string> { ["age"] = "52" },
    };

    [Fact]
    public void KeysAreSnakeCaseNullsOmittedAndLabelKeysVerbatim()
    {
        var line = ManifestJson.Serialize(Sample(3));
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        var keys = root.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["dataset", "subject_id", "study_id", "split", "study_time", "order", "images", "report", "labels", "fractions", "provenance", "meta"], keys);
        Assert.Equal("02aa804e", root.GetProperty("images")[0].GetProperty("image_id").GetString());
        Assert.False(root.GetProperty("images")[1].TryGetProperty("width", out _));
        Assert.False(root.GetProperty("provenance").TryGetProperty("doi", out _));
        Assert.Equal(-1, root.GetProperty("labels").GetProperty("Pleural Effusion").GetInt32());
        Assert.Equal("FINDINGS: ...", root.GetProperty("report").GetProperty("full_text").GetString());
        Assert.Contains("Größe – “ok”", line);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public void HandWrittenLineReadsWithDefaultsForAbsentFields()
    {
        var row = ManifestJson.Deserialize("""{"dataset":"nih","subject_id":"1","study_id":"00000001_000","images":[{"path":"images/00000001_000.png","present":false,"view":"PA"}]}""");
        Assert.Equal("nih", row.Dataset);
        Assert.Null(row.Split);
        Assert.Null(row.Report);
        Assert.Empty(row.Labels);
        Assert.False(row.Images[0].Present);
        Assert.Null(row.Images[0].Boxes);
    }

    [Fact]
    public void MissingRequiredKeyIsAnErrorNamingFileAndLine()
    {
        var path = Path.Combine(_root, "bad.jsonl");
        File.WriteAllLines(path, [ManifestJson.Serialize(Sample(0)), "", """{"dataset":"nih","study_id":"x"}"""]);
        var rows = new List<ManifestRow>();
        var error = Assert.Throws<CxrVLException>(() => { foreach (var row in ManifestReader.Read(path)) rows.Add(row); });
        Assert.Single(rows);
        Assert.StartsWith($"{path}:3:", error.Message);
        Assert.Contains("subject_id", error.Message);
    }

    [Theory]
    [InlineData("m.jsonl")]
    [InlineData("m.jsonl.gz")]
    public void WriterAndReaderRoundTripEveryField(string name)
    {
        var path = Path.Combine(_root, name);
        var rows = Enumerable.Range(0, 50).Select(Sample).ToList();
        Assert.Equal(50, ManifestWriter.WriteAll(path, rows));

        var back = ManifestReader.Read(path).ToList();
        Assert.Equal(rows.Select(ManifestJson.Serialize), back.Select(ManifestJson.Serialize));
        Assert.Equal(rows[7].Images[0].Boxes![0], back[7].Images[0].Boxes![0]);
        Assert.Equal(rows[7].Report, back[7].Report);
        if (name.EndsWith(".gz"))
        {
            using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            Assert.Equal(50, new StreamReader(gz).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }
    }

    [Fact]
    public void UncommittedWriterLeavesNoFileAndKeepsThePreviousManifest()
    {
        var path = Path.Combine(_root, "keep.jsonl");
        ManifestWriter.WriteAll(path, [Sample(1)]);
        using (var writer = new ManifestWriter(path))
            writer.Write(Sample(2));
        Assert.Equal(["keep.jsonl"], Directory.GetFiles(_root).Select(Path.GetFileName));
        Assert.Equal("50410001", Assert.Single(ManifestReader.Read(path)).StudyId);
    }

    [Fact]
    public void MissingManifestIsAUserError()
    {
        var error = Assert.Throws<CxrVLException>(() => ManifestReader.Read(Path.Combine(_root, "none.jsonl")).ToList());
        Assert.Contains("cxrvl data build", error.Message);
    }

    [Theory]
    [InlineData("validate", ManifestSplits.Valid)]
    [InlineData("TRAIN", ManifestSplits.Train)]
    [InlineData(" test ", ManifestSplits.Test)]
    [InlineData("holdout", null)]
    public void SplitNamesNormalize(string source, string? expected) => Assert.Equal(expected, ManifestSplits.Normalize(source));

    [Fact]
    public void FractionMembershipIsTrainingOnly()
    {
        var row = Sample(0);
        Assert.True(row.InFraction(1));
        Assert.True(row.InFraction(100));
        Assert.False(row.InFraction(5));
        Assert.False((row with { Split = ManifestSplits.Test }).InFraction(100));
    }

    [Theory]
    [InlineData("PA", true, false)]
    [InlineData("AP Supine", true, false)]
    [InlineData("LATERAL", false, true)]
    [InlineData("LL", false, true)]
    [InlineData(null, false, false)]
    public void ViewPositionsGroup(string? view, bool frontal, bool lateral)
    {
        Assert.Equal(frontal, ViewPositions.IsFrontal(view));
        Assert.Equal(lateral, ViewPositions.IsLateral(view));
    }
}
