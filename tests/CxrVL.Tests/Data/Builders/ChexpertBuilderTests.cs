using System.Text;
using CxrVL.Data.Builders;
using CxrVL.Data.Manifest;

namespace CxrVL.Tests.Data.Builders;

public sealed class ChexpertBuilderTests : IDisposable
{
    private const string Header = "Path,Sex,Age,Frontal/Lateral,AP/PA,No Finding,Enlarged Cardiomediastinum,Cardiomegaly,Lung Opacity,Lung Lesion,Edema,Consolidation,Pneumonia,Atelectasis,Pneumothorax,Pleural Effusion,Pleural Other,Fracture,Support Devices\n";
    private readonly SourceTree _tree = new();

    public void Dispose() => _tree.Dispose();

    /// <summary>Row for the 14 labels in CSV order, with <paramref name="positive"/> set to 1.0 and Edema uncertain unless positive.</summary>
    private static string Labels(string? positive)
    {
        string[] names = ["No Finding", "Enlarged Cardiomediastinum", "Cardiomegaly", "Lung Opacity", "Lung Lesion", "Edema", "Consolidation", "Pneumonia", "Atelectasis", "Pneumothorax", "Pleural Effusion", "Pleural Other", "Fracture", "Support Devices"];
        return string.Join(',', names.Select(n => n == positive ? "1.0" : n == "Edema" ? "-1.0" : n == "Fracture" ? "" : "0.0"));
    }

    [Fact]
    public void StudiesGroupImagesAndPathsAreRelativeToTheReleaseFolder()
    {
        _tree.Write("train.csv", Header +
            $"CheXpert-v1.0-small/train/patient00001/study1/view1_frontal.jpg,Female,68,Frontal,AP,{Labels("Cardiomegaly")}\n" +
            $"CheXpert-v1.0-small/train/patient00001/study1/view2_lateral.jpg,Female,68,Lateral,,{Labels("Cardiomegaly")}\n" +
            $"CheXpert-v1.0-small/train/patient00001/study2/view1_frontal.jpg,Female,68,Frontal,PA,{Labels(null)}\n");
        _tree.Write("valid.csv", Header + $"CheXpert-v1.0-small/valid/patient64541/study1/view1_frontal.jpg,Male,73,Frontal,AP,{Labels("Edema")}\n");
        _tree.Touch("train/patient00001/study1/view1_frontal.jpg");
        var (rows, _) = _tree.Build("chexpert");
        Assert.Equal(["patient00001/study1", "patient00001/study2", "patient64541/study1"], rows.Select(r => r.StudyId));
        Assert.Equal(["AP", "LATERAL"], rows[0].Images.Select(i => i.View));
        Assert.Equal("train/patient00001/study1/view1_frontal.jpg", rows[0].Images[0].Path);
        Assert.True(rows[0].Images[0].Present);
        Assert.Equal([ManifestSplits.Train, ManifestSplits.Train, ManifestSplits.Valid], rows.Select(r => r.Split));
        Assert.Equal(-1, rows[0].Labels["Edema"]);
        Assert.False(rows[0].Labels.ContainsKey("Fracture"));
        Assert.Equal(1, _tree.Build("chexpert", new BuildOptions { Root = _tree.Root, Uncertain = UncertainPolicy.Ones }).Rows[0].Labels["Edema"]);
    }

    [Fact]
    public void FiveBy200SampleIsOneHotSeededAndExcludesMultiPositives()
    {
        var csv = new StringBuilder(Header);
        var patient = 0;
        foreach (var cls in new[] { "Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Pleural Effusion" })
            for (var i = 0; i < 230; i++)
                csv.Append($"CheXpert-v1.0-small/train/patient{++patient:D5}/study1/view1_frontal.jpg,Male,50,Frontal,AP,{Labels(cls)}\n");
        // Positive for two competition classes: never sampled.
        var both = Labels("Atelectasis").Split(',');
        both[6] = "1.0";
        csv.Append($"CheXpert-v1.0-small/train/patient99999/study1/view1_frontal.jpg,Male,50,Frontal,AP,{string.Join(',', both)}\n");
        _tree.Write("train.csv", csv.ToString());

        var options = new BuildOptions { Root = _tree.Root, FiveBy200 = true, Seed = 114514 };
        var rows = _tree.Build("chexpert", options).Rows;
        Assert.Equal(1000, rows.Count);
        Assert.All(rows, r => Assert.Equal(1, r.Labels.Values.Sum()));
        Assert.All(rows, r => Assert.Equal(1, r.Labels[r.Meta!["zero_shot_class"]]));
        Assert.Equal(200, rows.Count(r => r.Labels["Edema"] == 1));
        Assert.DoesNotContain(rows, r => r.SubjectId == "patient99999");
        Assert.All(rows, r => Assert.Equal(ManifestSplits.Test, r.Split));
        Assert.Equal(rows.Select(r => r.StudyId), _tree.Build("chexpert", options).Rows.Select(r => r.StudyId));
        Assert.NotEqual(rows.Select(r => r.StudyId), _tree.Build("chexpert", options with { Seed = 114515 }).Rows.Select(r => r.StudyId));
    }

    /// <summary>
    /// PRIOR's chexpert_5x200.json: keys are train.csv row numbers, values an image path relative to the CheXpert folder
    /// and a label over Atelectasis, Cardiomegaly, Consolidation, Edema, Pleural Effusion (PRIOR's
    /// CHEXPERT_COMPETITION_TASKS; its dataset takes the argmax). The rows are exactly the listed images, in list order.
    /// </summary>
    [Fact]
    public void FiveBy200ListGivesExactlyTheListedImagesWithTheirClasses()
    {
        _tree.Write("train.csv", Header +
            $"CheXpert-v1.0-small/train/patient00001/study1/view1_frontal.jpg,Female,68,Frontal,AP,{Labels("Cardiomegaly")}\n" +
            $"CheXpert-v1.0-small/train/patient00001/study1/view2_frontal.jpg,Female,68,Frontal,PA,{Labels("Cardiomegaly")}\n" +
            $"CheXpert-v1.0-small/train/patient00002/study3/view1_frontal.jpg,Male,50,Frontal,AP,{Labels("Pleural Effusion")}\n" +
            $"CheXpert-v1.0-small/train/patient00003/study1/view1_frontal.jpg,Male,50,Frontal,AP,{Labels("Edema")}\n");
        _tree.Write("chexpert_5x200.json", """
            {
                "52932": {"image_path": "train/patient00002/study3/view1_frontal.jpg", "label": [0, 0, 0, 0, 1]},
                "7": {"image_path": "train/patient00001/study1/view2_frontal.jpg", "label": [0, 1, 0, 0, 0]}
            }
            """);
        var options = new BuildOptions { Root = _tree.Root, FiveBy200List = Path.Combine(_tree.Root, "chexpert_5x200.json") };

        var rows = _tree.Build("chexpert", options).Rows;

        Assert.Equal(["patient00002/study3/view1_frontal", "patient00001/study1/view2_frontal"], rows.Select(r => r.StudyId));
        Assert.Equal(["train/patient00002/study3/view1_frontal.jpg", "train/patient00001/study1/view2_frontal.jpg"], rows.Select(r => Assert.Single(r.Images).Path));
        Assert.Equal(["Pleural Effusion", "Cardiomegaly"], rows.Select(r => r.Meta!["zero_shot_class"]));
        Assert.Equal(["52932", "7"], rows.Select(r => r.Meta!["list_key"]));
        Assert.All(rows, r => Assert.Equal(1, r.Labels.Values.Sum()));
        Assert.Equal(1, rows[0].Labels["Pleural Effusion"]);
        Assert.All(rows, r => Assert.Equal(ManifestSplits.Test, r.Split));

        _tree.Write("bad.json", """{"9": {"image_path": "train/patient00009/study1/view1_frontal.jpg", "label": [1, 0, 0, 0, 0]}}""");
        var error = Assert.Throws<CxrVLException>(() => _tree.Build("chexpert", options with { FiveBy200List = Path.Combine(_tree.Root, "bad.json") }));
        Assert.Contains("entry '9'", error.Message);
        Assert.Contains("train/patient00009/study1/view1_frontal.jpg", error.Message);
        _tree.Write("two.json", """{"3": {"image_path": "train/patient00003/study1/view1_frontal.jpg", "label": [0, 0, 1, 1, 0]}}""");
        error = Assert.Throws<CxrVLException>(() => _tree.Build("chexpert", options with { FiveBy200List = Path.Combine(_tree.Root, "two.json") }));
        Assert.Contains("entry '3'", error.Message);
        Assert.Contains("not one-hot", error.Message);
    }

    /// <summary>
    /// MRM's DatasetsSplits/CheXpert: image paths as in the CSV, laterals included, each followed by the five competition
    /// labels; no train_list.txt (MRM could not ship it), so train_1/train_10 images are training images.
    /// </summary>
    [Fact]
    public void SplitListsInMrmFormatGivePerImageRowsWithTheListsSplitFractionsAndLabels()
    {
        const string prefix = "CheXpert-v1.0-small/train/";
        _tree.Write("train.csv", Header +
            $"{prefix}patient00001/study1/view1_frontal.jpg,Male,50,Frontal,AP,{Labels(null)}\n" +
            $"{prefix}patient00001/study1/view2_lateral.jpg,Male,50,Lateral,,{Labels(null)}\n" +
            string.Concat(Enumerable.Range(2, 3).Select(i => $"{prefix}patient0000{i}/study2/view1_frontal.jpg,Male,50,Frontal,AP,{Labels("Edema")}\n")));
        _tree.Write("lists/train_1.txt", $"{prefix}patient00001/study1/view1_frontal.jpg 1 0 0 0 1\n{prefix}patient00001/study1/view2_lateral.jpg 1 0 0 0 1\n");
        _tree.Write("lists/train_10.txt", $"{prefix}patient00001/study1/view1_frontal.jpg 1 0 0 0 1\n{prefix}patient00001/study1/view2_lateral.jpg 1 0 0 0 1\n" +
                                          $"{prefix}patient00002/study2/view1_frontal.jpg 0 1 0 0 0\n");
        _tree.Write("lists/val_list.txt", $"{prefix}patient00003/study2/view1_frontal.jpg 0 0 0 1 0\n");

        var (rows, info) = _tree.Build("chexpert", new BuildOptions { Root = _tree.Root, SplitLists = Path.Combine(_tree.Root, "lists") });

        Assert.Equal(["patient00001/study1/view1_frontal", "patient00001/study1/view2_lateral", "patient00002/study2/view1_frontal",
                      "patient00003/study2/view1_frontal", "patient00004/study2/view1_frontal"], rows.Select(r => r.StudyId));
        Assert.Equal([ManifestSplits.Train, ManifestSplits.Train, ManifestSplits.Train, ManifestSplits.Valid, null], rows.Select(r => r.Split));
        Assert.Equal("LATERAL", Assert.Single(rows[1].Images).View);
        Assert.Equal([1, 10], rows[1].Fractions!);
        Assert.Equal([10], rows[2].Fractions!);
        Assert.Empty(rows[3].Fractions!);
        Assert.Equal(0, rows[0].Order);
        Assert.Equal(1, rows[2].Order);
        // The list's labels replace the table's (which say Edema uncertain for patient 1, positive for 2 to 4).
        var expected = new Dictionary<string, int> { ["Atelectasis"] = 1, ["Cardiomegaly"] = 0, ["Consolidation"] = 0, ["Edema"] = 0, ["Pleural Effusion"] = 1 };
        Assert.Equal(expected, rows[1].Labels);
        Assert.Equal(1, rows[2].Labels["Cardiomegaly"]);
        Assert.Equal(0, rows[2].Labels["Edema"]);
        Assert.Equal(1, rows[4].Labels["Edema"]);
        Assert.Equal(1, info.Counts!["not_in_split_lists"]);

        _tree.Write("lists/val_list.txt", $"{prefix}patient00003/study2/view1_frontal.jpg 0 0 1\n");
        var error = Assert.Throws<CxrVLException>(() => _tree.Build("chexpert", new BuildOptions { Root = _tree.Root, SplitLists = Path.Combine(_tree.Root, "lists") }));
        Assert.Contains("patient00003/study2/view1_frontal.jpg", error.Message);
        Assert.Contains("3 labels", error.Message);
    }
}
