using System.Text.Json;
using CxrVL.Evaluation.Labeling;
using CxrVL.Models;
using CxrVL.Tests.Cli;
using CxrVL.Tests.Text;
using CxrVL.Text;
using Xunit.Abstractions;

namespace CxrVL.Tests.Evaluation.Labeling;

/// <summary>
/// CheXbert against its original in plain torch.nn (python3-torch): a checkpoint written as CheXbert's training wrote
/// chexbert.pth (legacy torch.save, <c>module.</c> prefixes, Adam state beside it; random weights) gives the same
/// logits of every head on 32 real IU reports, plus an empty report and one past 512 tokens. The reference is fed the
/// ids of Hugging Face <c>tokenizers</c> (npm), so tokenisation and truncation are checked on the way.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class ChexbertParityTests(ITestOutputHelper log) : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("cxrvl-chexbert-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public void Logits_and_labels_equal_the_torch_original_on_IU_reports()
    {
        var texts = IuReportTexts.Load().Select(r => $"{r.Findings} {r.Impression}".Trim()).Where(t => t.Length > 0).Take(32).ToList();
        var real = texts.Count;
        texts.Add("");
        texts.Add(string.Join("\n", IuReportTexts.Load().Take(40).Select(r => r.Findings)));

        var vocab = Path.Combine(_work.FullName, "vocab.txt");
        File.WriteAllLines(vocab, BertBaseUncased.Vocabulary());
        var ids = TokenizerReference.Encode([new("uncased", Vocab: vocab, Lowercase: true)], [new("uncased", texts, 512, null)])[0].Ids;
        Assert.Equal(512, ids[^1].Length);
        var idsPath = Path.Combine(_work.FullName, "ids.json");
        File.WriteAllText(idsPath, JsonSerializer.Serialize(ids));
        var checkpoint = Path.Combine(_work.FullName, "chexbert.pth");
        var reference = JsonSerializer.Deserialize<Reference>(
            PythonReference.Run(PythonReference.Script("Evaluation/Labeling/reference/chexbert_reference.py"), checkpoint, idsPath),
            new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

        using var labeler = ChexbertLabeler.Load(checkpoint, batchSize: 5);
        var outputs = labeler.Predict(texts);

        var maxDifference = 0.0;
        var minMargin = double.MaxValue;
        for (var r = 0; r < texts.Count; r++)
        {
            Assert.Equal(14, outputs[r].Logits.Count);
            for (var h = 0; h < 14; h++)
            {
                var expected = reference.Logits[r][h];
                Assert.Equal(h < 13 ? 4 : 2, expected.Length);
                for (var c = 0; c < expected.Length; c++)
                    maxDifference = Math.Max(maxDifference, Math.Abs(expected[c] - outputs[r].Logits[h][c]));
                var sorted = expected.OrderDescending().ToArray();
                minMargin = Math.Min(minMargin, sorted[0] - sorted[1]);
            }
            Assert.Equal(reference.Classes[r], outputs[r].Classes);
        }
        log.WriteLine($"{texts.Count} reports: largest logit difference {maxDifference:E2}, smallest decision margin {minMargin:0.000}");
        Assert.True(maxDifference < 1e-4, $"largest logit difference {maxDifference:E2} over {texts.Count} reports ({real} real IU reports)");
        Assert.True(minMargin > 1e-3, $"the reference's closest decision has a margin of {minMargin:E2}: too close to compare decisions");

        // Labels in the rule-based labeler's column order, from the reference's classes mapped as label.py maps them.
        string[] heads = ["Enlarged Cardiomediastinum", "Cardiomegaly", "Lung Opacity", "Lung Lesion", "Edema", "Consolidation", "Pneumonia",
                          "Atelectasis", "Pneumothorax", "Pleural Effusion", "Pleural Other", "Fracture", "Support Devices", "No Finding"];
        for (var r = 0; r < texts.Count; r++)
        {
            for (var h = 0; h < 14; h++)
            {
                int? value = reference.Classes[r][h] switch { 0 => null, 1 => 1, 2 => 0, _ => -1 };
                Assert.Equal(value, outputs[r].Labels[heads[h]]);
            }
        }

        // The command line writes the same labels (three reports: each run loads the 440 MB checkpoint again).
        var reports = Path.Combine(_work.FullName, "reports.json");
        File.WriteAllText(reports, JsonSerializer.Serialize(texts.Take(3).Select((t, i) => (i, t)).ToDictionary(p => $"r{p.i}", p => p.t)));
        var table = Path.Combine(_work.FullName, "labels.csv");
        var (code, output, error) = CliRunner.Run("label", reports, "--out", table, "--labeler", "chexbert", "--weights", checkpoint);
        Assert.True(code == 0, error);
        Assert.Contains("with chexbert", output);
        Assert.Equal(outputs.Take(3).Select(o => o.Labels.Values), LabelFiles.ReadLabels(table).Select(p => p.Value.Values));
    }

    [Fact]
    public void Missing_weights_name_where_the_authors_publish_them()
    {
        var reports = Path.Combine(_work.FullName, "reports.json");
        File.WriteAllText(reports, """{"1": "No acute findings."}""");
        var (code, _, error) = CliRunner.Run("label", reports, "--out", Path.Combine(_work.FullName, "l.csv"), "--labeler", "chexbert");
        Assert.Equal(2, code);
        Assert.Contains("github.com/stanfordmlgroup/CheXbert", error);
        var missing = Path.Combine(_work.FullName, "chexbert.pth");
        Assert.Contains($"'{missing}' do not exist", Assert.Throws<CxrVLException>(() => ChexbertLabeler.Load(missing)).Message);
    }

    [Fact]
    public void Module_names_are_the_originals()
    {
        using var model = new ChexbertModel();
        var keys = model.state_dict().Keys.ToList();
        // bert-base: 5 embedding tensors, 16 per layer, the pooler's 2; then 14 heads of weight and bias.
        Assert.Equal(5 + 12 * 16 + 2 + 2 * 14, keys.Count);
        Assert.Contains("bert.embeddings.word_embeddings.weight", keys);
        Assert.Contains("bert.pooler.dense.weight", keys);
        Assert.Contains("linear_heads.13.bias", keys);
        Assert.Equal([2, 768], model.state_dict()["linear_heads.13.weight"].shape);
        Assert.Equal([30522, 768], model.state_dict()["bert.embeddings.word_embeddings.weight"].shape);
    }

    private sealed record Reference(float[][][] Logits, int[][] Classes);
}
