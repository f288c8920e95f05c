using System.Text.Json;
using CxrVL.Cli.Infrastructure;
using CxrVL.Evaluation.Nlg;

namespace CxrVL.Tests.Evaluation.Nlg;

/// <summary>
/// A second check: an independent standard-library Python re-derivation of the coco-caption formulas
/// (reference/nlg_reference.py) on random samples with repeated words, empty predictions and several references. It is
/// not the vendored pycocoevalcap XProNet ships (no Debian package holds pycocoevalcap, and PyPI is out of reach here);
/// the coco-caption conventions themselves are pinned by hand-computed cases from the published formulas: BLEU's
/// closest-reference brevity penalty and its 1e-15 / 1e-9 smoothing (<see cref="BleuTests"/>), CIDEr-D's σ = 6 length
/// penalty over bigram counts, clipping at the reference weights and ×10 (<see cref="CiderDTests"/>), ROUGE-L's
/// separate maxima of precision and recall (<see cref="RougeLTests"/>), and METEOR's formula (<see cref="MeteorTests"/>).
/// </summary>
public sealed class NlgReferenceTests
{
    [Fact]
    public void Matches_an_independent_python_derivation_on_random_samples()
    {
        var random = new Random(7);
        string Text(int maxWords) =>
            string.Join(' ', Enumerable.Range(0, random.Next(0, maxWords + 1)).Select(_ => "w" + random.Next(0, 8)));
        var samples = Enumerable.Range(0, 60).Select(i =>
            new NlgSample(i.ToString(), i % 11 == 0 ? "" : Text(14),
                Enumerable.Range(0, 1 + random.Next(0, 3)).Select(_ => "w1 " + Text(12)).ToList())).ToList();

        var folder = Directory.CreateTempSubdirectory("cxrvl-nlg-");
        try
        {
            var path = Path.Combine(folder.FullName, "samples.json");
            File.WriteAllText(path, JsonSerializer.Serialize(samples.Select(s => new { pred = s.Prediction, refs = s.References })));
            var expected = JsonSerializer.Deserialize<Dictionary<string, double>>(
                PythonReference.Run(PythonReference.Script("Evaluation/Nlg/reference/nlg_reference.py"), path))!;

            var actual = NlgEvaluator.Evaluate(samples).ToDictionary();
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (key, value) in expected)
                Assert.True(Math.Abs(value - actual[key]) < 1e-9, $"{key}: python {value}, CxrVL {actual[key]}");
            Assert.InRange(actual["BLEU_1"], 0.05, 0.95);
            Assert.InRange(actual["CIDEr"], 0.01, 10);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Cli_prints_the_metric_keys_and_names_a_missing_id()
    {
        var folder = Directory.CreateTempSubdirectory("cxrvl-nlg-");
        try
        {
            var refs = Path.Combine(folder.FullName, "refs.json");
            var preds = Path.Combine(folder.FullName, "preds.json");
            File.WriteAllText(refs, """{"a": ["the heart is normal", "heart normal"], "b": "no effusion"}""");
            File.WriteAllText(preds, """{"a": "the heart is normal", "b": "no effusion"}""");
            var output = new StringWriter();
            Assert.Equal(0, CliApp.Run(["eval", "nlg", "--refs", refs, "--preds", preds], output, new StringWriter()));
            var printed = JsonDocument.Parse(output.ToString()).RootElement;
            Assert.Equal(["BLEU_1", "BLEU_2", "BLEU_3", "BLEU_4", "ROUGE_L", "CIDEr", "METEOR", "computed"], printed.EnumerateObject().Select(p => p.Name));
            Assert.Contains("modules exact, stem, synonym", printed.GetProperty("computed").GetProperty("METEOR").GetString());
            var scores = Scores(output.ToString());
            Assert.Equal(1.0, scores["BLEU_1"], 9);
            Assert.Equal(1.0, scores["METEOR"], 12); // both samples match one of their references word for word
            Assert.Equal(1.0, scores["ROUGE_L"], 12);

            // R2Gen's cleaning lower-cases, drops punctuation and writes " . " between sentences: both sides become
            // "the heart is normal . no effusion ." and every metric that can reach 1 does.
            File.WriteAllText(refs, """{"a": "the heart is normal . no effusion .", "b": "Normal."}""");
            File.WriteAllText(preds, """{"a": "The heart is normal. No effusion!", "b": "normal"}""");
            output = new StringWriter();
            Assert.Equal(0, CliApp.Run(["eval", "nlg", "--refs", refs, "--preds", preds, "--clean", "r2gen-iu"], output, new StringWriter()));
            scores = Scores(output.ToString());
            Assert.Equal(1.0, scores["ROUGE_L"], 12);
            Assert.Equal(1.0, scores["BLEU_1"], 8);

            File.WriteAllText(preds, """{"a": "the heart is normal"}""");
            var error = new StringWriter();
            Assert.Equal(2, CliApp.Run(["eval", "nlg", "--refs", refs, "--preds", preds], new StringWriter(), error));
            Assert.Contains("id 'b'", error.ToString());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The numeric metrics of <c>cxrvl eval nlg</c>'s JSON.</summary>
    private static Dictionary<string, double> Scores(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.Number)
            .ToDictionary(p => p.Name, p => p.Value.GetDouble());
}
