using System.Globalization;
using CxrVL.Data.Builders;
using CxrVL.Data.Manifest;
using CxrVL.Files;

namespace CxrVL.Tests.Data.Builders;

/// <summary>The covid-chestxray builder on the real ieee8023 files in the shared data folder.</summary>
public sealed class CovidChestXrayBuilderTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("cxrvl-covid-").FullName;
    private readonly string _root = DataRoots.Dataset("covid-chestxray");

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private (List<ManifestRow> Rows, ManifestInfo Info) Build(int seed = 0)
    {
        var path = Path.Combine(_out, $"covid-{seed}.jsonl");
        var info = ManifestBuild.Run(new CovidChestXrayBuilder(), new BuildOptions { Root = _root, Seed = seed }, path, TextWriter.Null);
        return (ManifestReader.Read(path).ToList(), info);
    }

    [Fact]
    public void EveryImageIsARowWithItsSizeAsPilReadsIt()
    {
        var (rows, info) = Build();
        Assert.Equal(505, rows.Count);
        Assert.Equal(505, info.Counts!["images_present"]);
        var reference = PythonReference.Run(PythonReference.Script("Data/Builders/reference/image_sizes.py"), Path.Combine(_root, "images"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' '))
            .ToDictionary(f => f[0], f => (int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture)));
        foreach (var image in rows.Select(r => Assert.Single(r.Images)))
        {
            Assert.Equal(reference[Path.GetFileName(image.Path)], (image.Width!.Value, image.Height!.Value));
            // The shared copy is downsized so that the shorter side is at most 256 px.
            Assert.InRange(Math.Min(image.Width.Value, image.Height.Value), 1, 256);
        }
    }

    [Fact]
    public void LungBoxesAreMappedIntoTheDownsizedFrameAndMasksAttached()
    {
        var (rows, info) = Build();
        var images = rows.Select(r => r.Images[0]).ToList();
        // 1,010 COCO annotations, one of which has no category.
        Assert.Equal(1009, images.Sum(i => i.Boxes?.Count ?? 0));
        Assert.Equal(1, info.Counts!["boxes_without_label"]);
        Assert.All(images.Where(i => i.Boxes is not null), image =>
        {
            foreach (var box in image.Boxes!)
            {
                Assert.Contains(box.Label, new[] { "Right Lung", "Left Lung" });
                Assert.InRange(box.X, 0, image.Width!.Value);
                Assert.InRange(box.Y, 0, image.Height!.Value);
                Assert.InRange(box.X + box.W, 1, image.Width.Value + 1e-6);
                Assert.InRange(box.Y + box.H, 1, image.Height.Value + 1e-6);
            }
        });
        // The README: 492 masks for 86 images, all placed inside their image.
        Assert.Equal(492, images.Sum(i => i.Masks?.Count ?? 0));
        Assert.Equal(86, images.Count(i => i.Masks is not null));
        Assert.All(images.Where(i => i.Masks is not null).SelectMany(i => i.Masks!.Select(m => (Image: i, Mask: m))), x =>
        {
            Assert.True(File.Exists(Path.Combine(_root, x.Mask.Path)));
            Assert.InRange(x.Mask.X!.Value, 0, x.Image.Width!.Value);
            Assert.InRange(x.Mask.X.Value + x.Mask.W!.Value, 1e-6, x.Image.Width.Value + 1e-6);
            Assert.InRange(x.Mask.Y!.Value + x.Mask.H!.Value, 1e-6, x.Image.Height!.Value + 1e-6);
        });
        // A hand-checked case: the first image's COCO size is 882x888 and its file 256x258; Right Lung bbox [42, 72, 245, 504].
        var first = images.First(i => i.Path.EndsWith("auntminnie-a-2020_01_28_23_51_6665_2020_01_28_Vietnam_coronavirus.jpeg"));
        var right = first.Boxes!.Single(b => b.Label == "Right Lung");
        Assert.Equal(42 * 256.0 / 882, right.X, 9);
        Assert.Equal(504 * 258.0 / 888, right.H, 9);
    }

    [Fact]
    public void SplitIsPatientDisjointSeededAndOrderFollowsOffset()
    {
        var (rows, _) = Build();
        var splitsPerPatient = rows.GroupBy(r => r.SubjectId).Select(g => g.Select(r => r.Split).Distinct().Count());
        Assert.All(splitsPerPatient, n => Assert.Equal(1, n));
        Assert.Equal(301, rows.Select(r => r.SubjectId).Distinct().Count());
        Assert.Equal(rows.Select(r => r.Split), Build().Rows.Select(r => r.Split));
        Assert.NotEqual(rows.Select(r => r.Split), Build(seed: 1).Rows.Select(r => r.Split));
        Assert.All(rows.Where(r => r.Fractions is not null), r => Assert.Equal(ManifestSplits.Train, r.Split));
        // Patient 2: offsets 0, 3, 5, 6 in the metadata.
        Assert.Equal([0, 1, 2, 3], rows.Where(r => r.SubjectId == "2").OrderBy(r => r.Meta!["offset"], StringComparer.Ordinal).Select(r => r.Order!.Value));
    }

    [Fact]
    public void NotesLicenceAndFindingsAreKept()
    {
        var (rows, _) = Build();
        Assert.Equal(396, rows.Count(r => r.Report is not null));
        Assert.All(rows.Where(r => r.Report is not null), r => Assert.Null(r.Report!.Findings));
        Assert.Equal(356, rows.Count(r => r.Labels.GetValueOrDefault("COVID-19") == 1));
        Assert.DoesNotContain(rows, r => r.Labels.ContainsKey("todo"));
        Assert.Equal("10.1056/nejmc2001272", rows[0].Provenance!.Doi);
    }
}
