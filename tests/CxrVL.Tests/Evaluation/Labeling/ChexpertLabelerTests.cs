using CxrVL.Cli.Infrastructure;
using CxrVL.Evaluation.Labeling;
using CxrVL.Files;

namespace CxrVL.Tests.Evaluation.Labeling;

public sealed class ChexpertLabelerTests
{
    private static readonly ChexpertLabeler Labeler = ChexpertLabeler.FromDataRoot();

    [Fact]
    public void Cli_output_equals_the_published_labels_of_the_sample_reports_byte_for_byte()
    {
        var folder = DataRoots.Dataset("chexpert-labeler");
        var output = Path.Combine(Directory.CreateTempSubdirectory("cxrvl-label-").FullName, "labels.csv");
        try
        {
            Assert.Equal(0, CliApp.Run(["label", Path.Combine(folder, "sample_reports.csv"), "--out", output], new StringWriter(), new StringWriter()));
            Assert.Equal(File.ReadAllText(Path.Combine(folder, "labeled_reports.csv")), File.ReadAllText(output));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(output)!, recursive: true);
        }
    }

    // Expected labels follow the CheXpert labeler's rules as its phrase lists and pattern files state them.
    [Theory]
    [InlineData("No pleural effusion or pneumothorax.", "Pleural Effusion", 0)]
    [InlineData("No pleural effusion or pneumothorax.", "Pneumothorax", 0)]
    [InlineData("No focal consolidation, pleural effusion, or pneumothorax.", "Pneumothorax", 0)]
    [InlineData("Pneumonia cannot be excluded.", "Pneumonia", -1)]
    [InlineData("Cannot exclude pneumonia.", "Pneumonia", -1)]
    [InlineData("No new consolidation.", "Consolidation", -1)]
    [InlineData("Possible small left pleural effusion.", "Pleural Effusion", -1)]
    [InlineData("Heart size is normal.", "Cardiomegaly", 0)]
    [InlineData("The heart, pulmonary XXXX and mediastinum are within normal limits.", "Cardiomegaly", 0)]
    [InlineData("Normal heart size.", "Cardiomegaly", 0)]
    [InlineData("Stable mild cardiomegaly.", "Cardiomegaly", 1)]
    [InlineData("Heart size is stable.", "Cardiomegaly", 0)]
    [InlineData("Mild pulmonary vascular congestion.", "Edema", -1)]
    [InlineData("No pulmonary vascular congestion.", "Edema", 0)]
    [InlineData("Findings consistent with CHF.", "Cardiomegaly", -1)]
    [InlineData("Findings consistent with CHF.", "Edema", 1)]
    [InlineData("Small pericardial effusion.", "Pleural Effusion", null)]
    [InlineData("Calcified granuloma over the heart.", "Cardiomegaly", null)]
    [InlineData("No cardiomegaly with bilateral small pleural effusions.", "Pleural Effusion", 1)]
    [InlineData("Left effusion. No right effusion.", "Pleural Effusion", 1)]
    [InlineData("No pneumonia. Possible pneumonia.", "Pneumonia", -1)]
    [InlineData("Pneumonia. No pneumonia. Possible pneumonia.", "Pneumonia", -1)]
    public void Labels_follow_the_chexpert_rules(string report, string observation, int? expected) =>
        Assert.Equal(expected, Labeler.Label(report)[observation]);

    [Fact]
    public void No_finding_is_positive_only_without_positive_or_uncertain_findings_other_than_devices()
    {
        Assert.Equal(1, Labeler.Label("No acute cardiopulmonary abnormality. No pneumothorax.")["No Finding"]);
        var devices = Labeler.Label("Pacemaker in place. Lungs are clear.");
        Assert.Equal(1, devices["No Finding"]);
        Assert.Equal(1, devices["Support Devices"]);
        // "granuloma" is one of the labeler's other findings: it clears No Finding but has no column.
        var granuloma = Labeler.Label("Calcified granuloma in the left upper lobe.");
        Assert.Null(granuloma["No Finding"]);
        Assert.All(granuloma.Values, Assert.Null);
        Assert.Null(Labeler.Label("Possible pneumonia.")["No Finding"]);
    }

    [Fact]
    public void Label_tables_round_trip_and_bad_cells_name_row_and_column()
    {
        var folder = Directory.CreateTempSubdirectory("cxrvl-label-");
        try
        {
            var path = Path.Combine(folder.FullName, "labels.csv");
            var source = new ReportSource("id", [new("r1", "Left effusion, possible pneumonia."), new("r2", "Normal.")]);
            var labels = source.Reports.Select(r => Labeler.Label(r.Value)).ToList();
            LabelFiles.Write(path, source, labels);
            var read = LabelFiles.ReadLabels(path);
            Assert.Equal(["r1", "r2"], read.Select(r => r.Key));
            Assert.Equal(labels[0].Values, read[0].Value.Values);
            Assert.Equal(-1, read[0].Value["Pneumonia"]);

            File.WriteAllText(path, File.ReadAllText(path).Replace("r2,1.0", "r2,yes", StringComparison.Ordinal));
            var error = Assert.Throws<CxrVLException>(() => LabelFiles.ReadLabels(path));
            Assert.Contains("line 3, column 'No Finding'", error.Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
