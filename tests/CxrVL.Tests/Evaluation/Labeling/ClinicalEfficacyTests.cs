using System.Text.Json;
using CxrVL.Evaluation.Labeling;

namespace CxrVL.Tests.Evaluation.Labeling;

public sealed class ClinicalEfficacyTests
{
    [Fact]
    public void Hand_computed_micro_and_macro_scores_with_uncertain_and_blank_as_negative()
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
        var scores = ClinicalEfficacy.Compute([(Make(1, null), Make(1, 1)), (Make(1, 0), Make(-1, null))]);
        Assert.Equal(0.5, scores.PrecisionMicro, 12);
        Assert.Equal(0.5, scores.RecallMicro, 12);
        Assert.Equal(0.5, scores.F1Micro, 12);
        Assert.Equal(1.0 / 14, scores.PrecisionMacro, 12);
        Assert.Equal(0.5 / 14, scores.RecallMacro, 12);
        Assert.Equal(2.0 / 3 / 14, scores.F1Macro, 12);
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
            Assert.Equal(1, result.Scores.F1Micro, 12);

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

    [Fact]
    public void Matches_scikit_learn_as_r2gen_compute_ce_calls_it()
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
            }));
            var expected = JsonSerializer.Deserialize<Dictionary<string, double>>(
                PythonReference.Run(PythonReference.Script("Evaluation/Labeling/reference/ce_reference.py"), path))!;
            var actual = ClinicalEfficacy.Compute(pairs).ToDictionary();
            foreach (var (key, value) in expected)
                Assert.True(Math.Abs(value - actual[key]) < 1e-12, $"{key}: sklearn {value}, CxrVL {actual[key]}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static ChexpertLabels Random(Random random) =>
        // Column 12 (Fracture) stays blank everywhere: a label absent from both sides, which sklearn scores 0.
        new(Enumerable.Range(0, 14).Select(k => k == 12 ? (int?)null : random.Next(5) switch { 0 => 1, 1 => 0, 2 => -1, 3 => 1, _ => null }).ToList());
}
