using System.Text.Json;
using CxrVL.Evaluation.Labeling;

namespace CxrVL.Tests.Evaluation.Labeling;

public sealed class ClinicalEfficacyTests
{
    [Fact]
    public void Hand_computed_micro_and_macro_scores_with_uncertain_and_blank_as_negative_as_R2Gen_counts()
    {
        // Two reports; only columns 2 (Cardiomegaly) and 10 (Pleural Effusion) are ever 1.
        // Cardiomegaly: ref [1, 1], pred [1, -1] -> tp 1, fn 1 (uncertain counts negative): P 1, R 0.5, F1 2/3.
        // Effusion: ref [blank, 0], pred [1, blank] -> fp 1: P 0, R 0, F1 0. Every other column: all zero -> 0.
        // Micro: tp 1, fp 1, fn 1 -> P 0.5, R 0.5, F1 0.5. Macro over 14: P 1/14, R 0.5/14, F1 (2/3)/14.
        ChexpertLabels Make(int? cardiomegaly, int? effusion)
        {
            var values = new int?[14];
            values[2] = cardiomegaly;
            values[10] = effusion;
            return new ChexpertLabels(values);
        }
        var scores = ClinicalEfficacy.Compute([(Make(1, null), Make(1, 1)), (Make(1, 0), Make(-1, null))], UncertainLabels.Negative);
        Assert.Equal(new PrecisionRecallF1(0.5, 0.5, 0.5), scores.All.Micro);
        Assert.Equal(1.0 / 14, scores.All.Macro.Precision, 12);
        Assert.Equal(0.5 / 14, scores.All.Macro.Recall, 12);
        Assert.Equal(2.0 / 3 / 14, scores.All.Macro.F1, 12);
        // Weighted by reference positives: Cardiomegaly has 2, Effusion none, so Cardiomegaly's own scores.
        AssertScores(1, 0.5, 2.0 / 3, scores.All.Weighted);
        Assert.Equal(2, scores.PerObservation[2].Support);
        // Over the 5 main observations (Cardiomegaly and Effusion are two of them): the same micro, macro over 5.
        Assert.Equal(["Cardiomegaly", "Edema", "Consolidation", "Atelectasis", "Pleural Effusion"], scores.Main.Observations);
        Assert.Equal(scores.All.Micro, scores.Main.Micro);
        Assert.Equal(2.0 / 3 / 5, scores.Main.Macro.F1, 12);

        // Uncertain as positive (the default): Cardiomegaly tp 2 (P 1, R 1); Effusion fp 1. Micro tp 2, fp 1, fn 0.
        var positive = ClinicalEfficacy.Compute([(Make(1, null), Make(1, 1)), (Make(1, 0), Make(-1, null))]);
        Assert.Equal(2.0 / 3, positive.All.Micro.Precision, 12);
        Assert.Equal(1, positive.All.Micro.Recall, 12);
        // Uncertain excluded: the second report's Cardiomegaly pair is left out: tp 1, fn 0; Effusion fp 1.
        var excluded = ClinicalEfficacy.Compute([(Make(1, null), Make(1, 1)), (Make(1, 0), Make(-1, null))], UncertainLabels.Exclude);
        AssertScores(0.5, 1, 2.0 / 3, excluded.All.Micro);
        Assert.Equal(1, excluded.PerObservation[2].Support);
    }

    /// <summary>
    /// Issue 18, item 13: an empty reference has no findings to compare against. It is left out and reported; the one
    /// scored pair here is a report and its own copy, whose labels agree, so micro precision, recall and F1 are 1.
    /// </summary>
    [Fact]
    public void Empty_references_are_left_out_and_reported_and_all_empty_is_an_error()
    {
        var folder = Directory.CreateTempSubdirectory("cxrvl-ce-empty-");
        try
        {
            var refs = Path.Combine(folder.FullName, "refs.json");
            var preds = Path.Combine(folder.FullName, "preds.json");
            File.WriteAllText(refs, """{"1": "", "2": "Small left pleural effusion.", "3": "   "}""");
            File.WriteAllText(preds, """{"1": "No acute findings.", "2": "Small left pleural effusion.", "3": "Cardiomegaly."}""");

            var result = ClinicalEfficacyFiles.Compute(refs, preds);
            Assert.Equal(["1", "3"], result.EmptyReferences);
            Assert.Equal(1, result.Scores.Samples);
            Assert.Equal(1, result.Scores.All.Micro.F1, 12);

            var (code, output, error) = CxrVL.Tests.Cli.CliRunner.Run("eval", "ce", "--refs", refs, "--preds", preds);
            Assert.True(code == 0, error);
            Assert.Equal("warning: 2 reference report(s) are empty and left out of the scores (ids 1, 3); scored the other 1.", error.Trim());
            Assert.Equal(1, JsonDocument.Parse(output).RootElement.GetProperty("F1_MICRO").GetDouble(), 12);

            File.WriteAllText(refs, """{"1": "", "2": " ", "3": "\n"}""");
            (code, _, error) = CxrVL.Tests.Cli.CliRunner.Run("eval", "ce", "--refs", refs, "--preds", preds);
            Assert.Equal(2, code);
            Assert.Equal($"error: every reference report in '{refs}' is empty (3); there is nothing to score against.", error.Trim());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(UncertainLabels.Positive)]
    [InlineData(UncertainLabels.Negative)]
    [InlineData(UncertainLabels.Exclude)]
    public void Micro_macro_and_weighted_over_14_and_5_match_scikit_learn(UncertainLabels uncertain)
    {
        var random = new Random(3);
        var pairs = Enumerable.Range(0, 200).Select(_ => (Random(random), Random(random))).ToList();
        var folder = Directory.CreateTempSubdirectory("cxrvl-ce-");
        try
        {
            var path = Path.Combine(folder.FullName, "labels.json");
            File.WriteAllText(path, JsonSerializer.Serialize(new
            {
                refs = pairs.Select(p => p.Item1.Values),
                preds = pairs.Select(p => p.Item2.Values),
                uncertain = uncertain.ToString().ToLowerInvariant(),
                main = ClinicalEfficacy.MainObservations.Select(o => ChexpertObservations.Names.ToList().IndexOf(o)),
            }));
            var expected = JsonSerializer.Deserialize<Dictionary<string, double>>(
                PythonReference.Run(PythonReference.Script("Evaluation/Labeling/reference/ce_reference.py"), path))!;
            var scores = ClinicalEfficacy.Compute(pairs, uncertain);
            var actual = new Dictionary<string, double>(scores.ToDictionary());
            for (var k = 0; k < 14; k++)
                actual[$"F1_COLUMN_{k}"] = scores.PerObservation[k].Scores.F1;
            Assert.Equal(2 * 3 * 3 + 14, expected.Count);
            foreach (var (key, value) in expected)
                Assert.True(Math.Abs(value - actual[key]) < 1e-12, $"{key}: sklearn {value}, CxrVL {actual[key]}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static void AssertScores(double precision, double recall, double f1, PrecisionRecallF1 actual)
    {
        Assert.Equal(precision, actual.Precision, 12);
        Assert.Equal(recall, actual.Recall, 12);
        Assert.Equal(f1, actual.F1, 12);
    }

    private static ChexpertLabels Random(Random random) =>
        // Column 12 (Fracture) stays blank everywhere: a label absent from both sides, which sklearn scores 0.
        new(Enumerable.Range(0, 14).Select(k => k == 12 ? (int?)null : random.Next(5) switch { 0 => 1, 1 => 0, 2 => -1, 3 => 1, _ => null }).ToList());
}
