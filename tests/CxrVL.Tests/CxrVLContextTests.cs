using CxrVL.Data.Builders;
using CxrVL.Data.Manifest;
using CxrVL.Files;
using CxrVL.Runs;
using CxrVL.Runtime;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tests.Methods.Toy;
using static TorchSharp.torch;

namespace CxrVL.Tests;

/// <summary>The manifest of the shared COVID-19 collection, built once through the library.</summary>
public sealed class CovidManifest : IDisposable
{
    public CovidManifest()
    {
        ManifestBuild.Run(DatasetBuilders.Get("covid-chestxray"), new BuildOptions { Root = DataRoots.Dataset("covid-chestxray") }, Manifest, TextWriter.Null);
    }

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("cxrvl-library-").FullName;

    public string Manifest => Path.Combine(Directory, "covid.jsonl");

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>
/// Issue 20: the library is usable on its own. Pretrain, load, embed an image file, zero-shot and retrieve through
/// <see cref="CxrVLContext"/> on the shared data, no command line; and a method defined outside CxrVL (the toy in
/// <c>Methods/Toy</c>) registered in one line trains from its own recipe.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class CxrVLContextTests(CovidManifest data) : IClassFixture<CovidManifest>
{
    private static readonly string[] Small =
    [
        "data.report_sections=[full_text]", "data.val_split=", "train.max_steps=3", "train.batch_size=8", "train.log_every=1", "model.text.max_length=32",
    ];

    [Fact]
    public void PretrainLoadEmbedAnImageFileZeroShotAndRetrieve()
    {
        var cxr = new CxrVLContext(new RuntimeOptions(Seed: 0));
        var (logs, steps) = (new List<string>(), new List<RunMetricsEventArgs>());
        cxr.Log += (_, e) => logs.Add(e.Message);
        cxr.Metrics += (_, e) => steps.Add(e);
        var config = cxr.PretrainRecipe(["pretrain/clip", "pretrain/small"], Small);

        var run = cxr.Pretrain(config, data.Manifest, Path.Combine(data.Directory, "clip"));

        Assert.Equal(3, run.Result.Training.Steps);
        // Every step line the run wrote to metrics.jsonl arrived as an event, and every log line as a Log event.
        var written = MetricsLog.Read(Path.Combine(run.RunPath, "metrics.jsonl")).Where(l => l.TryGetProperty("loss", out _)).Select(l => l.GetProperty("loss").GetDouble()).ToList();
        Assert.Equal(3, written.Count);
        Assert.Equal(written, steps.Select(s => s.Number("loss")).OfType<double>().ToList());
        Assert.Contains(logs, l => l.Contains("image-report pairs", StringComparison.Ordinal));
        var logged = File.ReadAllLines(Path.Combine(run.RunPath, "log.txt")).Select(l => l[20..]).ToList();
        Assert.All(logs.Where(l => l.Contains("image-report pairs", StringComparison.Ordinal)), l => Assert.Contains(l, logged));

        using var model = cxr.Load(run.RunPath);
        Assert.Equal("clip", model.Config.Method);
        Assert.StartsWith(Path.Combine(run.RunPath, "checkpoints"), model.Weights);

        // One image file, embedded in one call, is a unit vector equal to its row embedded by the batch loader.
        using var pairs = cxr.Embed(model, data.Manifest);
        var row = pairs.Rows.Select((r, i) => (r, i)).First(p => p.r.Images.Count == 1);
        var image = Path.Combine(ManifestInfo.ReadFor(data.Manifest).Root, row.r.Images[0].Path);
        var embedding = cxr.EmbedImage(model, image);
        Assert.Equal(pairs.Images.shape[1], embedding.Length);
        Assert.Equal(1.0, Math.Sqrt(embedding.Sum(v => (double)v * v)), 5);
        var batched = pairs.Images[row.i].data<float>().ToArray();
        Assert.All(embedding.Zip(batched), p => Assert.Equal(p.Second, p.First, 1e-5));
        var text = cxr.EmbedText(model, row.r.Report!.Join(config.Data.ReportSections)!);
        Assert.All(text.Zip(pairs.Texts[row.i].data<float>().ToArray()), p => Assert.Equal(p.Second, p.First, 1e-5));

        var task = CxrVLContext.ZeroShotRecipe("zeroshot/covid-finding", ["bootstrap=0"]);
        var zeroShot = cxr.ZeroShot(model, data.Manifest, task);
        // Accuracy recomputed from the returned scores: the share of images whose best-scoring class is their own.
        var hits = Enumerable.Range(0, zeroShot.Rows.Count).Count(i =>
            Enumerable.Range(0, zeroShot.Classes.Count).MaxBy(c => zeroShot.Scores[i, c]) == zeroShot.Truth[i]);
        Assert.Equal((double)hits / zeroShot.Rows.Count, zeroShot.Metrics.Accuracy, 12);

        var retrieval = cxr.Retrieve(model, data.Manifest);
        Assert.Equal(pairs.Rows.Count, retrieval.Pairs);
        // Recall@1 counts an image's own note, or one worded the same, at the top: at least the share whose own note is there.
        using var similarity = pairs.Images.matmul(pairs.Texts.t());
        var ownFirst = similarity.argmax(1).eq(arange(pairs.Rows.Count)).sum().item<long>() / (double)pairs.Rows.Count;
        Assert.InRange(retrieval.ImageToTextRecall[1], ownFirst - 1e-12, retrieval.ImageToTextRecall[5]);
        Assert.InRange(retrieval.ImageToTextRecall[10], retrieval.ImageToTextRecall[5], 1);
    }

    [Fact]
    public void AToyMethodRegisteredInOneLineTrainsTwoStepsFromItsOwnRecipe()
    {
        var cxr = new CxrVLContext(new RuntimeOptions(Seed: 0), PretrainingMethods.BuiltIn.With(ToyAlignmentMethod.Descriptor));
        var recipe = Path.Combine(data.Directory, "toy.yaml");
        File.WriteAllText(recipe, """
            name: toy
            method: toy
            data: {report_sections: [full_text], val_split: ""}
            model:
              image: {backbone: resnet18, image_size: 96}
              text: {tokenizer: bio-clinicalbert/vocab.txt, layers: 1, hidden: 32, heads: 2, intermediate: 64, max_length: 32}
              embed_dim: 8
              temperature: 0.2
            train: {max_steps: 2, batch_size: 4, log_every: 1, optimizer: {lr: 1.0e-3}}
            """);

        var config = cxr.PretrainRecipe([recipe]);
        var toy = Assert.IsType<ToyModelConfig>(config.Model);
        Assert.Equal((8, 0.2), (toy.EmbedDim, toy.Temperature));
        // No data.image_recipe or data.cleaner: the descriptor's defaults, the recipe and cleaner the toy brings.
        Assert.Equal(("toy-96", "toy-words"), (config.Data.ImageRecipe, config.Data.Cleaner));
        var error = Assert.Throws<CxrVL.Configuration.ConfigException>(() => cxr.PretrainRecipe([recipe], ["model.projection.kind=linear"]));
        Assert.StartsWith("unknown config key 'model.projection.kind': method toy does not read it.", error.Message);
        var cleaner = Assert.Throws<CxrVLException>(() => cxr.Methods.Validate(cxr.PretrainRecipe([recipe], ["data.cleaner=toy-word"])));
        Assert.Contains("unknown cleaning recipe 'toy-word'. Did you mean 'toy-words'?", cleaner.Message);

        var run = cxr.Pretrain(config, data.Manifest, Path.Combine(data.Directory, "toy"));

        var losses = MetricsLog.Read(Path.Combine(run.RunPath, "metrics.jsonl")).Where(l => l.TryGetProperty("loss", out _)).Select(l => l.GetProperty("loss").GetDouble()).ToList();
        Assert.Equal(2, losses.Count);
        Assert.All(losses, l => Assert.True(double.IsFinite(l) && l > 0));
        Assert.Contains("\nmethod: toy\n", File.ReadAllText(Path.Combine(run.RunPath, "config.yaml")));
        using var model = cxr.Load(run.RunPath);
        Assert.IsType<ToyAlignmentMethod>(model.Method);
        // The loaded model reads images by the toy's recipe and text through its cleaner: the cased Bio_ClinicalBERT
        // vocabulary tells "No Effusion" from "no effusion" unless the cleaner lower-cases it first.
        var (_, root, rows) = ManifestData.Open(data.Manifest);
        using (var image = model.LoadImageFile(Path.Combine(root, rows.First(r => r.Images.Count == 1).Images[0].Path)))
            Assert.Equal([1L, 3, 96, 96], image.shape);
        Assert.Equal("no effusion seen", model.Reading.Text("No Effusion, seen 2."));
        Assert.Equal(cxr.EmbedText(model, "no effusion"), cxr.EmbedText(model, "No EFFUSION 3."));
        Assert.NotEqual(model.Tokenizer.Encode("No Effusion").Ids, model.Tokenizer.Encode("no effusion").Ids);
        // Without the toy in its catalog, the built-in library names the method it does not know.
        var unknown = Assert.Throws<CxrVLException>(() => PretrainedModel.Load(run.RunPath, CPU));
        Assert.Contains("unknown pretraining method 'toy'", unknown.Message);
    }
}
