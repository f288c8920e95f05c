using CxrVL.Data.Manifest;
using CxrVL.Data.Stats;
using CxrVL.Files;

namespace CxrVL.Tests.Data.Builders;

/// <summary>The iu-xray and nih builders on the real files in the shared data folder.</summary>
public sealed class RealIuNihBuilderTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("cxrvl-real-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private List<ManifestRow> Build(string source, string root)
    {
        var path = Path.Combine(_out, source + ".jsonl");
        CxrVL.Data.Builders.ManifestBuild.Run(CxrVL.Data.Builders.DatasetBuilders.Get(source), new CxrVL.Data.Builders.BuildOptions { Root = root }, path, TextWriter.Null);
        return ManifestReader.Read(path).ToList();
    }

    [Fact]
    public void IuXrayKeepsEveryReportWithSectionsAndMissingImagesRecorded()
    {
        var rows = Build("iu-xray", DataRoots.Dataset("iu-xray"));
        Assert.Equal(3479, rows.Count);
        var xmlImages = Directory.EnumerateFiles(Path.Combine(DataRoots.Dataset("iu-xray"), "ecgen-radiology"), "*.xml")
            .Sum(f => File.ReadAllText(f).Split("<parentImage id=").Length - 1);
        Assert.Equal(xmlImages, rows.Sum(r => r.Images.Count));
        Assert.All(rows.SelectMany(r => r.Images), i => Assert.False(i.Present));

        // About 13% have no FINDINGS (the data README); the XMLs read independently agree exactly.
        var expected = IuReportTexts.WithFindingsAndImpression(5);
        var byId = rows.ToDictionary(r => r.StudyId);
        foreach (var report in expected)
        {
            var row = byId["CXR" + report.Id];
            Assert.Equal(report.Findings, row.Report!.Findings);
            Assert.Equal(report.Impression, row.Report.Impression);
        }
        var withoutFindings = rows.Count(r => r.Report?.Findings is null);
        Assert.InRange(withoutFindings / 3479.0, 0.12, 0.14);
        Assert.Equal("PA", byId["CXR1000"].Images.First(i => i.ImageId == "CXR1000_IM-0003-2001").View);
    }

    [Fact]
    public void NihLabelTableGivesThePublishedLabelCounts()
    {
        var stats = ManifestStats.Compute(Build("nih", DataRoots.Dataset("nih")));
        Assert.Equal(112120, stats.Rows);
        Assert.Equal(30805, stats.Subjects);
        // Published ChestX-ray14 (v2020 table) label frequencies.
        Assert.Equal(11559, stats.Labels["Atelectasis"][0]);
        Assert.Equal(2776, stats.Labels["Cardiomegaly"][0]);
        Assert.Equal(13317, stats.Labels["Effusion"][0]);
        Assert.Equal(19894, stats.Labels["Infiltration"][0]);
        Assert.Equal(227, stats.Labels["Hernia"][0]);
        Assert.Equal(60361, stats.Labels["No Finding"][0]);
        var present = Directory.GetFiles(DataRoots.Dataset("nih"), "*.png").Length;
        Assert.Equal(present, stats.ImagesPresent);
        Assert.Equal(112120 - present, stats.ImagesMissing);
        Assert.Equal(984, stats.Boxes);
    }
}
