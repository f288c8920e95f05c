using System.Text;
using CxrVL.Data.Builders;
using CxrVL.Data.Manifest;

namespace CxrVL.Tests.Data.Builders;

/// <summary>The mimic-cxr builder on a generated MIMIC-CXR-JPG tree whose report texts are real IU reports.</summary>
public sealed class MimicCxrBuilderTests : IDisposable
{
    private readonly SourceTree _tree = new();
    private readonly IReadOnlyList<IuReportTexts.Report> _reports = IuReportTexts.WithFindingsAndImpression(4);

    public void Dispose() => _tree.Dispose();

    // Patient 10000032 has studies 50000001 (later) and 50000002 (earlier); patient 11000011 has 50000003.
    private void WriteRelease(string? extraMetadataRow = null)
    {
        var metadata = new StringBuilder("dicom_id,subject_id,study_id,PerformedProcedureStepDescription,ViewPosition,Rows,Columns,StudyDate,StudyTime,ProcedureCodeSequence_CodeMeaning,ViewCodeSequence_CodeMeaning,PatientOrientationCodeSequence_CodeMeaning\n");
        metadata.Append("d1,10000032,50000001,CHEST (PA AND LAT),PA,3056,2544,21800506,213014.531,CHEST (PA AND LAT),postero-anterior,Erect\n");
        metadata.Append("d2,10000032,50000001,CHEST (PA AND LAT),LATERAL,3056,2544,21800506,213014.531,CHEST (PA AND LAT),lateral,Erect\n");
        metadata.Append("d3,10000032,50000002,CHEST (PORTABLE AP),AP,3056,2544,21800102,080000,CHEST (PORTABLE AP),antero-posterior,Erect\n");
        metadata.Append("d4,11000011,50000003,CHEST (PA AND LAT),PA,3056,2544,21900101,101010,CHEST (PA AND LAT),postero-anterior,Erect\n");
        if (extraMetadataRow is not null)
            metadata.Append(extraMetadataRow);
        _tree.Write("mimic-cxr-2.0.0-metadata.csv", metadata.ToString());
        _tree.Write("mimic-cxr-2.0.0-split.csv", "dicom_id,study_id,subject_id,split\nd1,50000001,10000032,train\nd2,50000001,10000032,train\nd3,50000002,10000032,train\nd4,50000003,11000011,validate\n");
        _tree.Write("mimic-cxr-2.0.0-chexpert.csv",
            "subject_id,study_id,Atelectasis,Cardiomegaly,Consolidation,Edema,Enlarged Cardiomediastinum,Fracture,Lung Lesion,Lung Opacity,No Finding,Pleural Effusion,Pleural Other,Pneumonia,Pneumothorax,Support Devices\n" +
            "10000032,50000001,,,,,,,,,1.0,,,,,\n10000032,50000002,-1.0,1.0,,0.0,,,,,,,,,,\n");
        foreach (var image in new[] { "p10/p10000032/s50000001/d1", "p10/p10000032/s50000002/d3", "p11/p11000011/s50000003/d4" })
            _tree.Touch($"files/{image}.jpg");
        for (var i = 0; i < 3; i++)
        {
            var r = _reports[i];
            var subject = i < 2 ? "10000032" : "11000011";
            _tree.Write($"reports/files/p{subject[..2]}/p{subject}/s5000000{i + 1}.txt",
                $"                                 FINAL REPORT\n EXAMINATION:  CHEST (PA AND LAT)\n \n INDICATION:  {r.Indication}\n \n FINDINGS: \n \n {r.Findings}\n \n IMPRESSION: \n \n {r.Impression}\n");
        }
    }

    private (List<ManifestRow> Rows, ManifestInfo Info) Build(UncertainPolicy uncertain = UncertainPolicy.Ignore, bool skipBad = false) =>
        _tree.Build("mimic-cxr", new BuildOptions { Root = _tree.Root, Reports = Path.Combine(_tree.Root, "reports"), Uncertain = uncertain, SkipBad = skipBad });

    [Fact]
    public void StudiesJoinImagesSplitLabelsAndSectionedReports()
    {
        WriteRelease();
        var (rows, info) = Build();
        Assert.Equal(["50000002", "50000001", "50000003"], rows.Select(r => r.StudyId));
        var later = rows[1];
        Assert.Equal(1, later.Order);
        Assert.Equal(0, rows[0].Order);
        Assert.Equal("2180-05-06T21:30:14", later.StudyTime);
        Assert.Equal(["PA", "LATERAL"], later.Images.Select(i => i.View));
        Assert.Equal("files/p10/p10000032/s50000001/d1.jpg", later.Images[0].Path);
        Assert.Equal([true, false], later.Images.Select(i => i.Present));
        Assert.Equal(ManifestSplits.Valid, rows[2].Split);
        Assert.Equal(_reports[0].Findings, later.Report!.Findings);
        Assert.Equal(_reports[0].Impression, later.Report.Impression);
        Assert.Equal(_reports[0].Indication, later.Report.Indication);
        Assert.StartsWith("FINAL REPORT", later.Report.FullText);
        Assert.Equal(new Dictionary<string, int> { ["No Finding"] = 1 }, later.Labels);
        Assert.Equal(new Dictionary<string, int> { ["Atelectasis"] = -1, ["Cardiomegaly"] = 1, ["Edema"] = 0 }, rows[0].Labels);
        Assert.Empty(rows[2].Labels);
        Assert.Equal(1, info.Counts!["images_missing"]);
        Assert.Equal(3, info.Counts["images_present"]);
    }

    [Fact]
    public void UncertainPolicyRewritesMinusOne()
    {
        WriteRelease();
        Assert.Equal(1, Build(UncertainPolicy.Ones).Rows[0].Labels["Atelectasis"]);
        Assert.Equal(0, Build(UncertainPolicy.Zeros).Rows[0].Labels["Atelectasis"]);
    }

    [Fact]
    public void AStudyWithoutAReportIsStillARow()
    {
        WriteRelease("d5,12000000,50000009,CHEST,PA,1,1,21800101,000000,x,y,z\n");
        var (rows, info) = Build();
        Assert.Null(rows.Single(r => r.StudyId == "50000009").Report);
        Assert.Equal(1, info.Counts!["reports_missing"]);
    }

    [Fact]
    public void MalformedRowIsOneErrorNamingFileAndLineOrSkippedAndCounted()
    {
        WriteRelease("d5,notanumber,50000009,CHEST,PA,1,1,21800101,000000,x,y,z\nd6,12000000\n");
        var error = Assert.Throws<CxrVLException>(() => Build());
        Assert.Contains("mimic-cxr-2.0.0-metadata.csv: line 6:", error.Message);
        Assert.Contains("--skip-bad", error.Message);
        var (rows, info) = Build(skipBad: true);
        Assert.Equal(3, rows.Count);
        Assert.Equal(2, info.Counts!["bad_rows"]);
    }

    [Fact]
    public void MissingMetadataIsAUserError()
    {
        var error = Assert.Throws<CxrVLException>(() => Build());
        Assert.Contains("mimic-cxr-2.0.0-metadata.csv", error.Message);
    }
}
