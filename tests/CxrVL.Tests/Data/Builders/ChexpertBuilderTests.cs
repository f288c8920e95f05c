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

    [Fact]
    public void SplitListsInMrmFormatGiveSplitAndFractions()
    {
        _tree.Write("train.csv", Header + string.Concat(Enumerable.Range(1, 4).Select(i =>
            $"CheXpert-v1.0-small/train/patient0000{i}/study1/view1_frontal.jpg,Male,50,Frontal,AP,{Labels(null)}\n")));
        _tree.Write("lists/train_list.txt", "CheXpert-v1.0-small/train/patient00001/study1/view1_frontal.jpg 0 0 0 0 0\nCheXpert-v1.0-small/train/patient00002/study1/view1_frontal.jpg 0 0 0 0 0\n");
        _tree.Write("lists/train_1.txt", "CheXpert-v1.0-small/train/patient00002/study1/view1_frontal.jpg 0 0 0 0 0\n");
        _tree.Write("lists/val_list.txt", "CheXpert-v1.0-small/train/patient00003/study1/view1_frontal.jpg 0 0 0 0 0\n");
        var (rows, info) = _tree.Build("chexpert", new BuildOptions { Root = _tree.Root, SplitLists = Path.Combine(_tree.Root, "lists") });
        Assert.Equal([ManifestSplits.Train, ManifestSplits.Train, ManifestSplits.Valid, null], rows.Select(r => r.Split));
        Assert.Equal([1], rows[1].Fractions!);
        Assert.Empty(rows[0].Fractions!);
        Assert.Equal(1, info.Counts!["not_in_split_lists"]);
    }
}
