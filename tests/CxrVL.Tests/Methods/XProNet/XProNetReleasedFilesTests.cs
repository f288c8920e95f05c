using System.Text.Json;
using CxrVL.Data.Manifest;
using CxrVL.Methods.XProNet;
using CxrVL.Tasks.ReportGeneration;

namespace CxrVL.Tests.Methods.XProNet;

/// <summary>
/// XProNet's released files, in the form its repository ships them, written by Debian's torch and numpy:
/// <c>init_prototypes.pt</c> (a bare tensor) and <c>labels_14.pickle</c> (numpy arrays in a pickled dict).
/// </summary>
public sealed class XProNetReleasedFilesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-xpronet-files-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed record Written(double Sum, double[] First, double Last, Dictionary<string, double[]> Labels, Dictionary<string, double[]> Mixed);

    private Written Write() => JsonSerializer.Deserialize<Written>(
        PythonReference.Run(PythonReference.Script("Methods/XProNet/reference/xpronet_files.py"), _directory),
        new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

    [Fact]
    public void A_bare_prototype_tensor_and_numpy_label_pickles_are_read()
    {
        var written = Write();
        foreach (var file in new[] { "init_prototypes.pt", "init_prototypes_legacy.pt" })
        {
            using var prototypes = PrototypeFile.Read(Path.Combine(_directory, file));
            Assert.Equal([280L, 2816L], prototypes.shape);
            Assert.Equal(written.Sum, prototypes.sum().item<double>(), 8);
            Assert.Equal(written.First, prototypes[0, ..4].data<double>().ToArray());
            Assert.Equal(written.Last, prototypes[-1, -1].item<double>());
        }

        var labels = XProNetLabelFile.Read(Path.Combine(_directory, "labels_14.pickle"));
        Assert.Equal(written.Labels.Keys.Order(), labels.Keys.Order());
        foreach (var (id, values) in written.Labels)
            Assert.Equal(values.Select(v => (float)v), labels[id]);

        foreach (var protocol in new[] { 2, 4 })
        {
            var mixed = XProNetLabelFile.Read(Path.Combine(_directory, $"labels_mixed_{protocol}.pickle"));
            foreach (var (id, values) in written.Mixed)
                Assert.Equal(values.Select(v => (float)v), mixed[id]);
        }
    }

    [Fact]
    public void Data_labels_file_gives_each_study_its_row_and_names_a_missing_study()
    {
        var written = Write();
        var file = Path.Combine(_directory, "labels_14.pickle");
        ManifestRow Row(string id) => new() { Dataset = "iu-xray", SubjectId = id, StudyId = id };
        var labels = ReportDataset.LabelsFromFile([Row("CXR7_IM-1007"), Row("CXR2_IM-1002")], file);
        Assert.Equal(written.Labels["CXR7_IM-1007"].Select(v => (float)v), labels[0]);
        Assert.Equal(written.Labels["CXR2_IM-1002"].Select(v => (float)v), labels[1]);
        var error = Assert.Throws<CxrVLException>(() => ReportDataset.LabelsFromFile([Row("CXR2_IM-1002"), Row("CXR99_IM-0001")], file));
        Assert.Contains("1 of 2 studies (first: CXR99_IM-0001)", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_label_dict_is_named_in_the_error()
    {
        var written = Write();
        var error = Assert.Throws<CxrVLException>(() => XProNetLabelFile.Read(Path.Combine(_directory, "init_prototypes_legacy.pt")));
        Assert.Contains("init_prototypes_legacy.pt", error.Message);
        Assert.NotNull(written);
        Assert.Contains("does not exist", Assert.Throws<CxrVLException>(() => XProNetLabelFile.Read(Path.Combine(_directory, "missing.pickle"))).Message);
    }
}
