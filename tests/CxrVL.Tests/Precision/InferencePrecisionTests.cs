using System.Text.Json;
using CxrVL.Precision;
using CxrVL.Runtime;
using CxrVL.Serving;
using CxrVL.Tasks.ZeroShot;
using CxrVL.Tests.Cli;
using static TorchSharp.torch;

namespace CxrVL.Tests.Precision;

/// <summary>
/// Inference in bfloat16 (<c>--precision bf16</c>, <see cref="CxrVLContext.Load"/>'s precision) against float32 on the
/// shared COVID-19 data, with a clip model pretrained two steps from ImageNet and MiniLM weights: the same scores up to
/// bfloat16's rounding, returned in float32, and the same command-line output.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class InferencePrecisionTests(CovidManifest data) : IClassFixture<CovidManifest>
{
    private static readonly string[] TwoSteps =
        ["data.report_sections=[full_text]", "data.val_split=", "train.max_steps=2", "train.batch_size=8", "train.log_every=1"];

    private string Pretrained()
    {
        var path = Path.Combine(data.Directory, "clip-two-steps");
        if (File.Exists(Path.Combine(path, "config.yaml")))
            return path;
        var cxr = new CxrVLContext(new RuntimeOptions(Seed: 0));
        return cxr.Pretrain(cxr.PretrainRecipe(["pretrain/clip", "pretrain/small"], TwoSteps), data.Manifest, path).RunPath;
    }

    [Fact]
    public void Bfloat16ZeroShotScoresRankAsFloat32OnesInTheSameOutputAndEmbeddingsStayFloat32()
    {
        var run = Pretrained();
        var cxr = new CxrVLContext(new RuntimeOptions(Seed: 0));
        var task = CxrVLContext.ZeroShotRecipe("zeroshot/covid-finding", ["bootstrap=0"]);
        ZeroShotResult single;
        using (var model = cxr.Load(run))
            single = cxr.ZeroShot(model, data.Manifest, task);

        // The command line in bfloat16: the same metrics printed, and per-image scores in scores.csv.
        var folder = Path.Combine(data.Directory, "zeroshot-bf16");
        var (code, output, error) = CliRunner.Run("zeroshot", "--checkpoint", run, "--data", data.Manifest, "--classes", "zeroshot/covid-finding",
                                                  "--set", "bootstrap=0", "--precision", "bf16", "--out", folder);
        Assert.True(code == 0, error + output);
        var options = new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
        using var printed = Printed(output);
        Assert.Equal(JsonSerializer.SerializeToElement(single.Metrics, options).EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal),
                     printed.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var csv = File.ReadAllLines(Path.Combine(folder, "scores.csv"));
        var header = csv[0].Split(',').Select(h => h.Trim('"')).ToArray();
        var rows = csv.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(single.Rows.Select(r => r.StudyId), rows.Select(r => r[0].Trim('"')));
        for (var c = 0; c < single.Classes.Count; c++)
        {
            var column = Array.IndexOf(header, single.Classes[c]);
            Assert.True(column > 1, $"scores.csv has no column '{single.Classes[c]}': {csv[0]}");
            var a = Enumerable.Range(0, single.Rows.Count).Select(i => single.Scores[i, c]).ToArray();
            var b = rows.Select(r => double.Parse(r[column], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            // bfloat16 keeps 8 significant bits: the ranking of images by a class's score barely moves.
            Assert.InRange(Spearman(a, b), 0.98, 1.0);
        }
        var auroc = printed.RootElement.GetProperty("auroc");
        foreach (var (name, value) in single.Metrics.Auroc)
        {
            // A class without images of the split has no AUROC in either precision.
            if (double.IsNaN(value))
                Assert.Equal("NaN", auroc.GetProperty(name).GetString());
            else
                Assert.InRange(auroc.GetProperty(name).GetDouble(), value - 0.02, value + 0.02);
        }

        // Embeddings come out float32 (a bfloat16 tensor could not be read as float[]) and unit length to float32's
        // precision, as autocast normalises in float32; bfloat16 was really used: they differ from the float32 ones, by
        // bfloat16's rounding only.
        using var half = cxr.Load(run, precision: TrainingPrecision.Bf16Mixed);
        using var full = cxr.Load(run);
        Assert.Equal(TrainingPrecision.Bf16Mixed, half.Precision);
        const string report = "no acute cardiopulmonary process";
        var image = Path.Combine(CxrVL.Data.Manifest.ManifestInfo.ReadFor(data.Manifest).Root, single.Rows[0].Images[0].Path);
        foreach (var (low, high) in new[] { (cxr.EmbedText(half, report), cxr.EmbedText(full, report)), (cxr.EmbedImage(half, image), cxr.EmbedImage(full, image)) })
        {
            Assert.Equal(1.0, Math.Sqrt(low.Sum(v => (double)v * v)), 5);
            Assert.NotEqual(high, low);
            var cosine = low.Zip(high, (a, b) => (double)a * b).Sum() / Math.Sqrt(low.Sum(v => (double)v * v) * high.Sum(v => (double)v * v));
            Assert.InRange(cosine, 0.99, 1.000001);
        }

        // The ONNX engine runs the exported float32 graphs: bfloat16 there is refused, before any model loads.
        var refused = Assert.Throws<CxrVLException>(() => StudyAnalyzer.Load(new ServeOptions
        {
            Checkpoint = run,
            ClassesRecipe = CxrVL.Configuration.RecipeLocator.Resolve("zeroshot/covid-finding"),
            Engine = ServingEngine.Onnx,
            Precision = TrainingPrecision.Bf16Mixed,
        }, CPU));
        Assert.Contains("use --engine torch", refused.Message);

        var (wrong, _, message) = CliRunner.Run("zeroshot", "--checkpoint", run, "--data", data.Manifest, "--classes", "zeroshot/covid-finding", "--precision", "fp16");
        Assert.NotEqual(0, wrong);
        Assert.Contains("fp16", message);
    }

    /// <summary>The JSON object a command prints last (after any progress lines).</summary>
    private static JsonDocument Printed(string output)
    {
        var start = output.StartsWith('{') ? 0 : output.LastIndexOf("\n{", StringComparison.Ordinal) + 1;
        return JsonDocument.Parse(output[start..]);
    }

    /// <summary>Spearman's rank correlation: Pearson's of the ranks, ties given their mean rank.</summary>
    private static double Spearman(double[] a, double[] b)
    {
        static double[] Ranks(double[] values)
        {
            var order = values.Select((v, i) => (v, i)).OrderBy(p => p.v).ToArray();
            var ranks = new double[values.Length];
            for (var start = 0; start < order.Length;)
            {
                var end = start;
                while (end + 1 < order.Length && order[end + 1].v == order[start].v)
                    end++;
                for (var k = start; k <= end; k++)
                    ranks[order[k].i] = (start + end) / 2.0;
                start = end + 1;
            }
            return ranks;
        }
        var (x, y) = (Ranks(a), Ranks(b));
        var (mx, my) = (x.Average(), y.Average());
        var covariance = x.Zip(y, (p, q) => (p - mx) * (q - my)).Sum();
        return covariance / Math.Sqrt(x.Sum(p => (p - mx) * (p - mx)) * y.Sum(q => (q - my) * (q - my)));
    }
}
