using System.Globalization;
using System.Text.Json;
using CxrVL.Data.Builders;
using CxrVL.Methods.MedST.Temporal;
using CxrVL.Tests.Data.Builders;

namespace CxrVL.Tests.Methods.MedST.Temporal;

/// <summary>
/// MS-CXR-T temporal image classification against MedST's protocol run in Python (pandas' df.sample shuffle,
/// per-finding dropna, scikit-learn's SVC(kernel='linear') and cross_val_score, np.mean / np.std over seeds) on a
/// table in MS-CXR-T's layout with findings labelled on different, imbalanced subsets of the rows.
/// </summary>
public sealed class TemporalImageClassificationTests : IDisposable
{
    private static readonly string[] Findings = ["consolidation", "edema", "pleural_effusion", "pneumonia", "pneumothorax"];
    private static readonly string[] Progressions = ["improving", "stable", "worsening"];
    private readonly SourceTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void AccuraciesEqualMedstsScriptWithScikitLearnOnTheSameShuffles()
    {
        var random = new Random(11);
        var header = "dicom_id,previous_dicom_id,study_id,previous_study_id,subject_id," + string.Join(',', Findings.Select(f => $"{f}_progression"));
        var lines = new List<string> { header };
        var features = new Dictionary<string, double[]>();
        for (var r = 0; r < 140; r++)
        {
            // Each finding labels about half the rows, mostly "stable"; the features carry the labels with noise,
            // so some findings separate well and others overlap.
            var labels = Findings.Select((_, f) => random.NextDouble() < 0.35 + 0.08 * f ? Draw(random) : -1).ToArray();
            var dicom = $"cur{r:000}";
            features[dicom] = Enumerable.Range(0, 16)
                .Select(d => (double)(float)(random.NextDouble() * 2 - 1 + (labels[d % 5] >= 0 ? (labels[d % 5] - 1) * (0.3 + 0.3 * (d % 5)) : 0))).ToArray();
            lines.Add($"{dicom},prev{r:000},5{r:0000000},4{r:0000000},1{r / 3:0000000},{string.Join(',', labels.Select(l => l < 0 ? "" : Progressions[l]))}");
        }
        var table = _tree.Write("ms/MS_CXR_T_temporal_image_classification_v1.0.0.csv", string.Join('\n', lines) + "\n");
        var featureFile = _tree.Write("features.json", JsonSerializer.Serialize(features));

        var (built, _) = _tree.Build("ms-cxr-t", new BuildOptions { Root = _tree.Root, Annotations = Path.Combine(_tree.Root, "ms") });
        var rows = TemporalImageClassification.SelectRows(built);
        var metrics = TemporalImageClassification.Evaluate(rows.Select(r => features[r.Images[0].ImageId!]).ToList(), rows, [5, 10], [42, 100, 666]);

        var reference = JsonDocument.Parse(PythonReference.Run(PythonReference.Script("Methods/MedST/Temporal/reference/medst_temporal_classification.py"),
            table, featureFile, "5,10", "42,100,666")).RootElement;
        foreach (var k in new[] { 5, 10 })
        {
            var expected = reference.GetProperty(k.ToString(CultureInfo.InvariantCulture));
            foreach (var finding in Findings)
            {
                var actual = (Dictionary<string, object>)((Dictionary<string, object>)metrics[finding])[$"accuracy_{k}fold"];
                var perSeed = expected.GetProperty(finding).GetProperty("per_seed").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                Assert.Equal(perSeed.Length, ((List<double>)actual["per_seed"]).Count);
                for (var s = 0; s < perSeed.Length; s++)
                    Assert.Equal(perSeed[s], ((List<double>)actual["per_seed"])[s], 4);
                Assert.Equal(expected.GetProperty(finding).GetProperty("mean").GetDouble(), (double)actual["mean"], 4);
                Assert.Equal(expected.GetProperty(finding).GetProperty("std").GetDouble(), (double)actual["std"], 4);
            }
            Assert.Equal(expected.GetProperty("average").GetProperty("mean").GetDouble(), (double)metrics[$"average_accuracy_{k}fold"], 4);
            Assert.Equal(expected.GetProperty("average").GetProperty("std").GetDouble(), (double)metrics[$"average_accuracy_{k}fold_std"], 4);
        }
    }

    /// <summary>Imbalanced progressions: improving 25 %, stable 55 %, worsening 20 %.</summary>
    private static int Draw(Random random) => random.NextDouble() switch { < 0.25 => 0, < 0.8 => 1, _ => 2 };
}
