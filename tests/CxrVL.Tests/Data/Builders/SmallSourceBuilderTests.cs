using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using CxrVL.Data.Builders;
using CxrVL.Data.Manifest;
using CxrVL.Files;

namespace CxrVL.Tests.Data.Builders;

/// <summary>The rsna, covidx, siim, ms-cxr-t, csv and iu-xray (archive, R2Gen) builders on generated publisher layouts.</summary>
public sealed class SmallSourceBuilderTests : IDisposable
{
    private readonly SourceTree _tree = new();
    private readonly IReadOnlyList<IuReportTexts.Report> _reports = IuReportTexts.WithFindingsAndImpression(3);

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void RsnaGroupsBoxesPerImageAndDrawsAPatientSplit()
    {
        _tree.Write("stage_2_train_labels.csv",
            "patientId,x,y,width,height,Target\n" +
            "0004cfab-14fd-4e49-80ba-63a80b6bddd6,,,,,0\n" +
            "00436515-870c-4b36-a041-de91049b9ab4,264.0,152.0,213.0,379.0,1\n" +
            "00436515-870c-4b36-a041-de91049b9ab4,562.0,152.0,256.0,453.0,1\n");
        _tree.Write("stage_2_detailed_class_info.csv", "patientId,class\n0004cfab-14fd-4e49-80ba-63a80b6bddd6,No Lung Opacity / Not Normal\n00436515-870c-4b36-a041-de91049b9ab4,Lung Opacity\n");
        _tree.Touch("stage_2_train_images/00436515-870c-4b36-a041-de91049b9ab4.dcm");
        var (rows, info) = _tree.Build("rsna", new BuildOptions { Root = _tree.Root, SplitProportions = [0.5, 0, 0.5] });
        Assert.Equal(2, rows.Count);
        Assert.Equal(0, rows[0].Labels["Pneumonia"]);
        Assert.Null(rows[0].Images[0].Boxes);
        Assert.Equal([new ManifestBox("Lung Opacity", 264, 152, 213, 379), new ManifestBox("Lung Opacity", 562, 152, 256, 453)], rows[1].Images[0].Boxes!);
        Assert.Equal("Lung Opacity", rows[1].Meta!["class"]);
        Assert.Equal([false, true], rows.Select(r => r.Images[0].Present));
        Assert.Equal(2, info.Counts!["boxes"]);
        Assert.Equal(1, rows.Count(r => r.Split == ManifestSplits.Train));
    }

    [Fact]
    public void CovidxListsGiveSplitsAndOneHotClasses()
    {
        _tree.Write("train.txt", "3 SARS-10.1148rg.242035193-g04mr34g04a-Fig4a-day7.jpeg pneumonia cohen\n8 a.png COVID-19 cohen\n\n");
        _tree.Write("test.txt", "419639-003251 MIDRC-RICORD-1C-419639-003251-46647-0.png normal ricord\n");
        _tree.Touch("train/a.png");
        var (rows, _) = _tree.Build("covidx");
        Assert.Equal([ManifestSplits.Train, ManifestSplits.Train, ManifestSplits.Test], rows.Select(r => r.Split));
        Assert.Equal(new Dictionary<string, int> { ["COVID-19"] = 1, ["normal"] = 0, ["pneumonia"] = 0 }, rows[1].Labels);
        Assert.Equal("test/MIDRC-RICORD-1C-419639-003251-46647-0.png", rows[2].Images[0].Path);
        Assert.True(rows[1].Images[0].Present);
        Assert.Equal("419639-003251", rows[2].SubjectId);
    }

    [Fact]
    public void CovidxShortLineIsAnErrorNamingFileAndLine()
    {
        _tree.Write("train.txt", "3 a.png pneumonia cohen\n4 b.png\n");
        var error = Assert.Throws<CxrVLException>(() => _tree.Build("covidx"));
        Assert.Contains("train.txt: line 2:", error.Message);
    }

    [Fact]
    public void SiimPairsImagesWithMasksAndTakesSplitFromFolders()
    {
        _tree.Touch("images/train/1.2.276.0.7230010.3.1.4.8323329.1000.png");
        _tree.Touch("annotations/train/1.2.276.0.7230010.3.1.4.8323329.1000.png");
        _tree.Touch("images/test/1.2.276.0.7230010.3.1.4.8323329.2000.png");
        var (rows, info) = _tree.Build("siim");
        Assert.Equal([ManifestSplits.Test, ManifestSplits.Train], rows.Select(r => r.Split));
        Assert.Equal("annotations/train/1.2.276.0.7230010.3.1.4.8323329.1000.png", Assert.Single(rows[1].Images[0].Masks!).Path);
        Assert.Null(rows[0].Images[0].Masks);
        Assert.Equal(1, info.Counts!["images_without_mask"]);
    }

    [Fact]
    public void SiimTakesTheSplitFromMrmsTrainingAndValidationFolders()
    {
        // MRM's README layout: images/{training,validation,test}/ beside annotations/ of the same names.
        _tree.Touch("images/training/1.2.276.0.7230010.3.1.4.8323329.1000.jpg");
        _tree.Touch("annotations/training/1.2.276.0.7230010.3.1.4.8323329.1000.png");
        _tree.Touch("images/validation/1.2.276.0.7230010.3.1.4.8323329.3000.jpg");
        var (rows, _) = _tree.Build("siim");
        Assert.Equal([ManifestSplits.Train, ManifestSplits.Valid], rows.Select(r => r.Split));
        Assert.Equal("annotations/training/1.2.276.0.7230010.3.1.4.8323329.1000.png", Assert.Single(rows[0].Images[0].Masks!).Path);
    }

    [Fact]
    public void MsCxrTFindsPreviousStudiesInTheMimicMetadataAndKeepsSentencePairs()
    {
        _tree.Write("mimic-cxr-2.0.0-metadata.csv", "dicom_id,subject_id,study_id,ViewPosition\nprev1,10000032,50000001,PA\ncur1,10000032,50000002,PA\n");
        _tree.Write("ms/MS_CXR_T_temporal_image_classification_v1.0.0.csv",
            "dicom_id,previous_dicom_id,study_id,subject_id,consolidation_progression,edema_progression,pleural_effusion_progression,pneumonia_progression,pneumothorax_progression\n" +
            "cur1,prev1,50000002,10000032,,worsening,,,\n");
        _tree.Write("ms/MS_CXR_T_temporal_sentence_similarity_v1.0.0.csv",
            $"study_id,sentence_1,sentence_2,category,subset_name\n1,\"{_reports[0].Impression}\",\"{_reports[1].Impression}\",paraphrase,RadGraph\n");
        var (rows, _) = _tree.Build("ms-cxr-t", new BuildOptions { Root = _tree.Root, Annotations = Path.Combine(_tree.Root, "ms") });
        Assert.Equal(2, rows.Count);
        Assert.Equal(["files/p10/p10000032/s50000002/cur1.jpg", "files/p10/p10000032/s50000001/prev1.jpg"], rows[0].Images.Select(i => i.Path));
        Assert.Equal("worsening", rows[0].Meta!["edema_progression"]);
        Assert.False(rows[0].Meta!.ContainsKey("consolidation_progression"));
        Assert.Equal(_reports[1].Impression, rows[1].Meta!["sentence_2"]);
        Assert.All(rows, r => Assert.Equal(ManifestSplits.Test, r.Split));
    }

    [Fact]
    public void CsvReportTableParsesSectionsOfTheFlattenedReport()
    {
        var r = _reports[0];
        _tree.Write("training.csv", $"image_path,report_content\nfiles/p10/a.jpg,\"FINAL REPORT EXAMINATION: CHEST. INDICATION: {r.Indication} FINDINGS: {r.Findings} IMPRESSION: {r.Impression}\"\nfiles/p10/b.jpg,\n");
        _tree.Touch("files/p10/a.jpg");
        var (rows, info) = _tree.Build("csv");
        Assert.Equal(r.Findings, rows[0].Report!.Findings);
        Assert.Equal(r.Impression, rows[0].Report!.Impression);
        Assert.Null(rows[1].Report);
        Assert.Equal(1, info.Counts!["reports_missing"]);
        Assert.Equal([true, false], rows.Select(x => x.Images[0].Present));
    }

    [Fact]
    public void CsvWithBadQuotingIsAnErrorNamingTheLine()
    {
        _tree.Write("training.csv", "image_path,report_content\na.jpg,fine\nb.jpg,\"unclosed \"quote\" here\nc.jpg,ok\n");
        var error = Assert.Throws<CxrVLException>(() => _tree.Build("csv"));
        Assert.Contains("training.csv: line", error.Message);
    }

    [Fact]
    public void IuXrayReadsThePublishersReportArchiveAndPngFolder()
    {
        var archive = Path.Combine(_tree.Root, "NLMCXR_reports.tgz");
        using (var gzip = new GZipStream(File.Create(archive), CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip))
            foreach (var id in new[] { "1", "2" })
            {
                var xml = Path.Combine(DataRoots.Dataset("iu-xray"), "ecgen-radiology", id + ".xml");
                tar.WriteEntry(xml, $"ecgen-radiology/{id}.xml");
            }
        _tree.Touch("NLMCXR_png/CXR1_1_IM-0001-3001.png");
        var (rows, _) = _tree.Build("iu-xray");
        Assert.Equal(["CXR1", "CXR2"], rows.Select(r => r.StudyId));
        Assert.Equal("NLMCXR_png/CXR1_1_IM-0001-3001.png", rows[0].Images[0].Path);
        Assert.Equal([true, false], rows[0].Images.Select(i => i.Present));
        Assert.Equal("Borderline cardiomegaly. Midline sternotomy XXXX. Enlarged pulmonary arteries. Clear lungs. Inferior XXXX XXXX XXXX.", rows[1].Report!.Findings);
    }

    [Fact]
    public void IuXrayReadsR2GenAnnotationWithItsSplit()
    {
        var json = new StringBuilder("{\"train\": [");
        json.Append($"{{\"id\": \"CXR2384_IM-0942\", \"report\": \"{_reports[0].Findings}\", \"image_path\": [\"CXR2384_IM-0942/0.png\", \"CXR2384_IM-0942/1.png\"], \"split\": \"train\"}}");
        json.Append("], \"val\": [], \"test\": [");
        json.Append($"{{\"id\": \"CXR2\", \"report\": \"{_reports[1].Findings}\", \"image_path\": [\"CXR2/0.png\"], \"split\": \"test\"}}]}}");
        _tree.Write("annotation.json", json.ToString());
        _tree.Touch("images/CXR2384_IM-0942/0.png");
        var (rows, _) = _tree.Build("iu-xray");
        Assert.Equal([ManifestSplits.Train, ManifestSplits.Test], rows.Select(r => r.Split));
        Assert.Equal("CXR2384", rows[0].SubjectId);
        Assert.Equal([true, false], rows[0].Images.Select(i => i.Present));
        Assert.Equal(_reports[0].Findings, rows[0].Report!.Findings);
        Assert.Null(rows[0].Report!.Impression);
    }

    [Fact]
    public void MimicReadsR2GenAnnotationWithStudyAndSubjectIds()
    {
        _tree.Write("annotation.json",
            "{\"train\": [{\"id\": \"02aa804e-bde0afdd\", \"study_id\": 50414267, \"subject_id\": 10000032, " +
            "\"report\": \"There is no focal consolidation.\", \"image_path\": [\"p10/p10000032/s50414267/02aa804e-bde0afdd.jpg\"], \"split\": \"train\"}], " +
            "\"val\": [], \"test\": []}");
        _tree.Touch("images/p10/p10000032/s50414267/02aa804e-bde0afdd.jpg");
        var (rows, _) = _tree.Build("mimic-cxr");
        var row = Assert.Single(rows);
        Assert.Equal(("10000032", "50414267", ManifestSplits.Train), (row.SubjectId, row.StudyId, row.Split));
        Assert.Equal("images/p10/p10000032/s50414267/02aa804e-bde0afdd.jpg", Assert.Single(row.Images).Path);
        Assert.Equal("There is no focal consolidation.", row.Report!.Findings);
    }

    [Fact]
    public void NihSplitListsAndDownsizedImagesMapBoxes()
    {
        _tree.Write("Data_Entry_2017.csv",
            "Image Index,Finding Labels,Follow-up #,Patient ID,Patient Age,Patient Gender,View Position,OriginalImage[Width,Height],OriginalImagePixelSpacing[x,y],\n" +
            "00000001_000.png,Cardiomegaly,0,1,58,M,PA,2682,2749,0.143,0.143,\n" +
            "00000002_000.png,No Finding,0,2,81,M,PA,2500,2048,0.171,0.171,\n" +
            "00000003_000.png,Hernia|Effusion,0,3,81,F,AP,2500,2048,0.171,0.171,\n");
        _tree.Write("BBox_List_2017.csv", "Image Index,Finding Label,Bbox [x,y,w,h],,,\n00000001_000.png,Cardiomegaly,100,200,400,300\n");
        File.Copy(Path.Combine(DataRoots.Dataset("nih"), "00000001_000.png"), Path.Combine(_tree.Root, "00000001_000.png"));
        _tree.Write("lists/train_list.txt", "00000001_000.png 0 1 0 0 0 0 0 0 0 0 0 0 0 0\n00000002_000.png 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
        _tree.Write("lists/train_10.txt", "00000001_000.png 0 1 0 0 0 0 0 0 0 0 0 0 0 0\n");
        _tree.Write("lists/test_list.txt", "00000003_000.png 1 0 0 0 0 0 0 0 0 0 0 0 0 1\n");
        var (rows, _) = _tree.Build("nih", new BuildOptions { Root = _tree.Root, SplitLists = Path.Combine(_tree.Root, "lists") });
        Assert.Equal([ManifestSplits.Train, ManifestSplits.Train, ManifestSplits.Test], rows.Select(r => r.Split));
        Assert.Equal([10], rows[0].Fractions!);
        Assert.Equal(1, rows[2].Labels["Hernia"]);
        Assert.Equal(1, rows[2].Labels["Effusion"]);
        Assert.Equal(0, rows[2].Labels["No Finding"]);
        // The shared copy of 00000001_000.png is 512x512: boxes given in the 1024 frame halve.
        var image = rows[0].Images[0];
        Assert.Equal((512, 512), (image.Width!.Value, image.Height!.Value));
        Assert.Equal(new ManifestBox("Cardiomegaly", 50, 100, 200, 150), Assert.Single(image.Boxes!));
    }

    [Fact]
    public void NihUnknownFindingIsAnError()
    {
        _tree.Write("Data_Entry_2017.csv", "Image Index,Finding Labels,Follow-up #,Patient ID,Patient Age,Patient Gender,View Position\n00000001_000.png,Cardiomegally,0,1,58,M,PA\n");
        var error = Assert.Throws<CxrVLException>(() => _tree.Build("nih"));
        Assert.Contains("Data_Entry_2017.csv: line 2: unknown finding label(s) Cardiomegally", error.Message);
    }
}
