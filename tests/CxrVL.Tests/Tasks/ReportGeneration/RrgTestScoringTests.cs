using System.Text.Json;
using CxrVL.Configuration;
using CxrVL.Evaluation.Labeling;
using CxrVL.Evaluation.Reports;
using CxrVL.Tasks.ReportGeneration;
using CxrVL.Tests.Cli;
using CxrVL.Tests.Data.Builders;

namespace CxrVL.Tests.Tasks.ReportGeneration;

/// <summary>
/// How <c>rrg test</c> scores a split's reports, without a model: intervals degenerate when every report equals its
/// reference, a two-report case whose resample distribution is known by hand, point values equal to <c>eval nlg</c> and
/// <c>eval ce</c> on the same files, the same seed giving the same intervals, the JSON's settings, and the labeler
/// options and their errors.
/// </summary>
public sealed class RrgTestScoringTests : IDisposable
{
    private static readonly ChexpertLabeler Labeler = ChexpertLabeler.FromDataRoot();
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("cxrvl-rrg-scoring-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public void Reports_equal_to_their_references_have_intervals_degenerate_at_the_point_value()
    {
        var findings = IuFindings(40);
        var reports = Reports(findings, findings);

        var result = ReportEvaluation.Score(reports, Labeler, new ReportScoringOptions(Resamples: 300, Seed: 4));

        // Every report has a positive or uncertain label (No Finding at least), so every resample has true positives and
        // no errors: micro and support-weighted clinical efficacy are 1 in each. Macro averages and the 5-label scores are
        // not constant (an observation absent from a resample scores 0), nor is CIDEr-D (its idf depends on the draw).
        string[] constant = ["BLEU_1", "BLEU_2", "BLEU_3", "BLEU_4", "ROUGE_L", "CE_PRECISION_MICRO", "CE_RECALL_MICRO", "CE_F1_MICRO", "CE_F1_WEIGHTED"];
        foreach (var name in constant)
        {
            var metric = result.Scores.Metrics.Single(m => m.Metric == name);
            // BLEU's smoothing (matches + 1e-15) / (count + 1e-9) leaves it 1e-12 short of 1, by an amount the counts set.
            Assert.Equal(1, metric.Value, 9);
            Assert.Equal(metric.Value, metric.Interval!.Lower, 9);
            Assert.Equal(metric.Value, metric.Interval.Upper, 9);
            Assert.Equal(300, metric.Interval.Resamples);
        }
    }

    [Fact]
    public void Two_reports_give_the_hand_computed_resample_distribution()
    {
        // Report 1 is its reference (2 words, ROUGE-L 1), report 2 shares no word with its reference (4 words, ROUGE-L 0).
        // A resample of two draws holds report 1 twice, once or never with probability 1/4, 1/2, 1/4: WORDS is 2, 3 or 4
        // and ROUGE_L 1, 0.5 or 0. With 1000 resamples about 250 sit at each extreme, far more than the 25 below the 2.5%
        // quantile, so the 95% interval is the extremes exactly.
        var reports = Reports(["heart normal", "lungs are not clear"], ["heart normal", "effusion right base small"]);

        var result = ReportEvaluation.Score(reports, Labeler, new ReportScoringOptions(Resamples: 1000, Seed: 11));

        var words = result.Scores.Metrics.Single(m => m.Metric == "WORDS");
        Assert.Equal(3, words.Value);
        Assert.Equal((2.0, 4.0), (words.Interval!.Lower, words.Interval.Upper));
        var rouge = result.Scores.Metrics.Single(m => m.Metric == "ROUGE_L");
        Assert.Equal(0.5, rouge.Value);
        Assert.Equal((0.0, 1.0), (rouge.Interval!.Lower, rouge.Interval.Upper));
    }

    [Fact]
    public void Point_values_equal_eval_nlg_and_eval_ce_and_the_same_seed_gives_the_same_intervals()
    {
        var findings = IuFindings(30);
        var reports = Reports(findings.Skip(1).Append(findings[0]).ToList(), findings);
        var (refs, preds) = (Write("refs.json", reports.References), Write("preds.json", reports.Predictions));
        var options = new ReportScoringOptions(UncertainLabels.Negative, Resamples: 200, Seed: 5);

        var json = ReportEvaluation.Score(reports, Labeler, options).ToJson();

        var metrics = json["metrics"]!.AsObject();
        Assert.Equal(ReportMetrics.Names, metrics.Select(m => m.Key));
        var nlg = CliRunner.Run("eval", "nlg", "--refs", refs, "--preds", preds);
        Assert.True(nlg.Code == 0, nlg.Error);
        foreach (var name in new[] { "BLEU_1", "BLEU_2", "BLEU_3", "BLEU_4", "ROUGE_L", "CIDEr" })
            Assert.Equal(JsonDocument.Parse(nlg.Output).RootElement.GetProperty(name).GetDouble(), (double)metrics[name]!["value"]!, 12);
        var ce = CliRunner.Run("eval", "ce", "--refs", refs, "--preds", preds, "--uncertain", "negative");
        Assert.True(ce.Code == 0, ce.Error);
        var ceJson = JsonDocument.Parse(ce.Output).RootElement;
        var ceKeys = ReportMetrics.Names.Where(n => n.StartsWith("CE_", StringComparison.Ordinal)).ToList();
        Assert.Equal(14 + 18, ceKeys.Count);
        foreach (var name in ceKeys)
            Assert.Equal(ceJson.GetProperty(name["CE_".Length..]).GetDouble(), (double)metrics[name]!["value"]!, 12);

        var again = ReportEvaluation.Score(reports, Labeler, options).ToJson();
        Assert.Equal(json.ToJsonString(), again.ToJsonString());
        var otherSeed = ReportEvaluation.Score(reports, Labeler, options with { Seed = 6 }).ToJson();
        Assert.NotEqual(json["metrics"]!.ToJsonString(), otherSeed["metrics"]!.ToJsonString());
    }

    [Fact]
    public void The_json_names_split_sections_labeler_convention_label_order_and_bootstrap()
    {
        var findings = IuFindings(5);
        var reports = Reports(findings, findings) with { Split = "valid", Sections = ["findings", "impression"] };

        var result = ReportEvaluation.Score(reports, Labeler, new ReportScoringOptions(UncertainLabels.Exclude, Resamples: 50, Seed: 9));
        var json = result.ToJson();

        Assert.Equal("valid", (string?)json["split"]);
        Assert.Equal(["findings", "impression"], json["sections"]!.AsArray().Select(s => (string?)s));
        Assert.Equal(5, (int)json["samples"]!);
        Assert.Equal("rules", (string?)json["labeler"]);
        Assert.Equal("exclude", (string?)json["uncertain"]);
        Assert.Equal(ChexpertObservations.Names, json["labels"]!.AsArray().Select(s => (string?)s));
        Assert.Equal(ClinicalEfficacy.MainObservations, json["labels_5"]!.AsArray().Select(s => (string?)s));
        Assert.Equal((50, 9, 0.95), ((int)json["bootstrap"]!["resamples"]!, (int)json["bootstrap"]!["seed"]!, (double)json["bootstrap"]!["level"]!));
        foreach (var (name, value) in result.ToDictionary().Where(p => p.Key != "samples"))
            Assert.Equal(value, (double)json["metrics"]![name]!["value"]!);
        var summary = result.Summary();
        Assert.StartsWith("5 reports of split 'valid', sections findings + impression; clinical efficacy by the rules labeler, uncertain labels exclude\n", summary);
        Assert.Contains("95% interval (50 bootstrap resamples of the reports, seed 9)", summary);
        Assert.Contains("\nCE_F1_MICRO ", summary);

        var pointOnly = ReportEvaluation.Score(reports, Labeler, new ReportScoringOptions(Resamples: 0)).ToJson();
        Assert.All(pointOnly["metrics"]!.AsObject(), m => Assert.Null(m.Value!["lower"]));
    }

    [Fact]
    public void Labeler_options_override_the_recipe_and_a_missing_chexbert_checkpoint_names_where_Stanford_publishes_it()
    {
        var recipe = ConfigLoader.Load<RrgConfig>(null, ["eval.labeler=chexbert", "eval.labeler_weights=/nowhere/chexbert.pth", "eval.uncertain=negative"]);
        Assert.Equal(new LabelerOptions(LabelerKind.Chexbert, "/nowhere/chexbert.pth"), recipe.Eval.LabelerOptions());
        Assert.Equal(1000, recipe.Eval.Bootstrap);

        // --labeler rules over a CheXbert recipe drops the recipe's weights; unset options keep the recipe's.
        var rules = recipe.Eval.With(LabelerKind.Rules, weights: null, uncertain: null, bootstrap: 20);
        Assert.Equal(new LabelerOptions(LabelerKind.Rules), rules.LabelerOptions());
        Assert.Equal((UncertainLabels.Negative, 20), (rules.Uncertain, rules.Bootstrap));
        using (var labeler = ReportLabelers.Create(rules.LabelerOptions()))
            Assert.Equal("rules", labeler.Name);

        var missing = Assert.Throws<CxrVLException>(() => ReportLabelers.Create(recipe.Eval.LabelerOptions()));
        Assert.Contains("'/nowhere/chexbert.pth' do not exist", missing.Message);
        Assert.Contains("https://github.com/stanfordmlgroup/CheXbert", missing.Message);

        var badKey = Assert.Throws<ConfigException>(() => ConfigLoader.Load<RrgConfig>(null, ["eval.labeler=chexpert"]));
        Assert.Contains("eval.labeler", badKey.Message);
        var (code, _, error) = CliRunner.Run("rrg", "test", "--checkpoint", _work.FullName, "--data", "x.jsonl", "--labeler", "chexpert");
        Assert.NotEqual(0, code);
        Assert.Contains("unknown labeler 'chexpert': use rules", error);
        Assert.Contains("https://github.com/stanfordmlgroup/CheXbert", error);
    }

    private static List<string> IuFindings(int count) =>
        IuReportTexts.WithFindingsAndImpression(count).Select(r => r.Findings!.ToLowerInvariant()).ToList();

    private static GeneratedReports Reports(IReadOnlyList<string> predictions, IReadOnlyList<string> references) =>
        new("test", ["findings"],
            predictions.Select((p, i) => (Id: $"s{i}", Text: p)).ToDictionary(p => p.Id, p => p.Text),
            references.Select((r, i) => (Id: $"s{i}", Text: r)).ToDictionary(p => p.Id, p => p.Text));

    private string Write(string name, IReadOnlyDictionary<string, string> texts)
    {
        var path = Path.Combine(_work.FullName, name);
        File.WriteAllText(path, JsonSerializer.Serialize(texts));
        return path;
    }
}
