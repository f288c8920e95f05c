using System.IO.Compression;
using System.Text;
using System.Text.Json;
using CxrVL.Data.Builders;
using CxrVL.Data.Manifest;
using CxrVL.Files;

namespace CxrVL.Tests.Data.Manifest;

/// <summary>
/// Issue 23, MIMIC scale: <see cref="ManifestReader.ReadAll"/> (what <see cref="ManifestData.Open"/> uses) parses blocks
/// of lines on several threads, shares repeated values and keeps report texts as JSON strings in the file's bytes,
/// decoded when asked. The truth
/// for every row is the line itself read by <see cref="JsonDocument"/>, independent of the manifest contract.
/// </summary>
public sealed class ManifestReadAllTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-read-all-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Build(string source)
    {
        var path = Path.Combine(_directory, source + ".jsonl");
        ManifestBuild.Run(DatasetBuilders.Get(source), new BuildOptions { Root = DataRoots.Dataset(source) }, path, TextWriter.Null);
        return path;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static void AssertRowsAreTheLines(string path, IReadOnlyList<ManifestRow> rows)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        Assert.Equal(lines.Count, rows.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            using var line = JsonDocument.Parse(lines[i]);
            var json = line.RootElement;
            var row = rows[i];
            Assert.Equal(Text(json, "study_id"), row.StudyId);
            Assert.Equal(Text(json, "dataset"), row.Dataset);
            Assert.Equal(Text(json, "split"), row.Split);
            Assert.Equal(json.GetProperty("images").EnumerateArray().Select(image => (Text(image, "path"), Text(image, "view"))),
                         row.Images.Select(image => ((string?)image.Path, image.View)));
            var labels = json.TryGetProperty("labels", out var l) ? l.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32()) : [];
            Assert.Equal(labels.OrderBy(p => p.Key), row.Labels.OrderBy(p => p.Key));
            if (!json.TryGetProperty("report", out var report))
            {
                Assert.Null(row.Report);
                continue;
            }
            Assert.Equal(Text(report, "findings"), row.Report!.Findings);
            Assert.Equal(Text(report, "impression"), row.Report.Impression);
            Assert.Equal(Text(report, "indication"), row.Report.Indication);
            Assert.Equal(Text(report, "full_text"), row.Report.FullText);
        }
    }

    [Theory]
    [InlineData("iu-xray")]
    [InlineData("covid-chestxray")]
    public void EveryRowOfASharedDataManifestIsWhatItsLineSays(string source)
    {
        var path = Build(source);

        var rows = ManifestReader.ReadAll(path);

        AssertRowsAreTheLines(path, rows);
        Assert.Contains(rows, r => r.Report?.FullText is { Length: > 0 });
        // The streaming reader gives equal reports (record equality compares the texts, wherever they are kept).
        Assert.Equal(ManifestReader.Read(path).Select(r => r.Report), rows.Select(r => r.Report));
    }

    [Fact]
    public void AGzipManifestReadsAsThePlainOne()
    {
        var plain = Build("iu-xray");
        var zipped = plain + ".gz";
        using (var output = new GZipStream(File.Create(zipped), CompressionLevel.Fastest))
        using (var input = File.OpenRead(plain))
            input.CopyTo(output);
        File.Copy(ManifestInfo.PathFor(plain), ManifestInfo.PathFor(zipped));

        Assert.Equal(ManifestReader.ReadAll(plain).Select(r => r.Report), ManifestReader.ReadAll(zipped).Select(r => r.Report));
        Assert.Equal(3479, ManifestData.Open(zipped).Rows.Count);
    }

    [Fact]
    public void TheTextsOfRowsReadIntoMemoryNoLongerDependOnTheFile()
    {
        var path = Build("iu-xray");
        var expected = ManifestReader.Read(path).Select(r => r.Report).ToList();
        var rows = ManifestReader.ReadAll(path);

        File.WriteAllBytes(path, File.ReadAllBytes(path).Reverse().ToArray());
        File.Delete(path);

        Assert.Equal(expected, rows.Select(r => r.Report));
    }

    [Fact]
    public void ATextSetWithWithReplacesTheKeptOneAndTheOthersStay()
    {
        var path = Build("iu-xray");
        var report = ManifestReader.ReadAll(path).First(r => r.Report?.Findings is not null && r.Report.Impression is not null).Report!;

        var changed = report with { Findings = null, Impression = "changed" };

        Assert.Null(changed.Findings);
        Assert.Equal("changed", changed.Impression);
        Assert.Equal(report.FullText, changed.FullText);
        Assert.NotNull(report.Findings);
        Assert.NotEqual(report, changed);
    }

    private static ManifestRow Row(int i, string text) => new()
    {
        Dataset = "test",
        SubjectId = $"p{i}",
        StudyId = $"s{i}",
        Split = i % 3 == 0 ? "valid" : "train",
        Images = [new ManifestImage { Path = $"images/{i}.png", Present = true, View = i % 2 == 0 ? "PA" : "LATERAL" }],
        Report = new ManifestReport(Findings: $"finding {i}", FullText: text),
        Labels = new Dictionary<string, int> { ["Edema"] = i % 2, ["Pleural Effusion"] = -1 },
    };

    [Fact]
    public void RowsAcrossBlocksKeepTheirOrderLineNumbersAndTextsWithALineLongerThanABlock()
    {
        // 3,000 rows of about 600 bytes (several 1 MB blocks), a 3 MB report in the middle, a byte-order mark,
        // Windows line ends and blank lines: what the per-block parse has to get right.
        var rows = Enumerable.Range(0, 3000).Select(i => Row(i, i == 1500 ? new string('x', 3 << 20) : $"FINDINGS: {i}\n" + new string('y', 500))).ToList();
        var path = Path.Combine(_directory, "blocks.jsonl");
        var text = new StringBuilder("\uFEFF");
        foreach (var row in rows)
            text.Append(ManifestJson.Serialize(row)).Append(row.StudyId == "s7" ? "\r\n\r\n   \n" : "\r\n");
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));

        var read = ManifestReader.ReadAll(path);

        Assert.Equal(rows.Select(r => r.StudyId), read.Select(r => r.StudyId));
        Assert.Equal(rows.Select(r => r.Report), read.Select(r => r.Report));
        Assert.Equal(3 << 20, read[1500].Report!.FullText!.Length);
        // Repeated values are one shared string each.
        Assert.Same(read[0].Dataset, read[2999].Dataset);
        Assert.Same(read[1].Split, read[2998].Split);
        Assert.Same(read[0].Images[0].View, read[2998].Images[0].View);
        Assert.Same(read[0].Labels.Keys.First(), read[2999].Labels.Keys.First());

        // An error in a late block names its line: 3 lines before s7's row ends, 2 blank ones after it.
        var lines = File.ReadAllLines(path).ToList();
        Assert.Equal(3002, lines.Count);
        lines[2801] = lines[2801].Replace("\"split\":\"train\"", "\"split\":\"training\"").Replace("\"split\":\"valid\"", "\"split\":\"training\"");
        File.WriteAllLines(path, lines);
        var error = Assert.Throws<CxrVLException>(() => ManifestReader.ReadAll(path));
        Assert.StartsWith($"{path}:2802: split 'training' of study 's2799'", error.Message);
        Assert.Equal(error.Message, Assert.Throws<CxrVLException>(() => ManifestReader.Read(path).ToList()).Message);
    }

    [Fact]
    public void TheFirstBadLineOfTheFileIsTheErrorWhicheverBlockIsParsedFirst()
    {
        var rows = Enumerable.Range(0, 4000).Select(i => Row(i, new string('z', 500))).ToList();
        rows[1600] = rows[1600] with { StudyId = "s5" };
        var path = Path.Combine(_directory, "repeat.jsonl");
        ManifestWriter.WriteAll(path, rows);
        var lines = File.ReadAllLines(path);
        lines[3990] = "{not json";
        File.WriteAllLines(path, lines);

        var error = Assert.Throws<CxrVLException>(() => ManifestReader.ReadAll(path));

        Assert.StartsWith($"{path}:1601: study 's5' of dataset 'test' already appears on line 6;", error.Message);
        lines[1600] = lines[1599];
        File.WriteAllLines(path, lines.Select((line, i) => i == 1600 ? line.Replace("\"s1599\"", "\"s1600\"") : line));
        Assert.StartsWith($"{path}:3991:", Assert.Throws<CxrVLException>(() => ManifestReader.ReadAll(path)).Message);
    }
}
