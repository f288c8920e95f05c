using CxrVL.Runtime;
using CxrVL.Tasks.Finetuning;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tasks.ReportGeneration;
using CxrVL.Tasks.Retrieval;
using CxrVL.Tasks.ZeroShot;
using CxrVL.Tests.Methods.Toy;

namespace CxrVL.Tests.Docs;

/// <summary>
/// The C# examples of <c>docs/library.md</c>, compiled with the tests: each block between <c>// docs: NAME</c> and
/// <c>// docs: end</c> is shown on the page as it is here (<see cref="LibraryDocsTests"/> checks that and runs them).
/// </summary>
internal static class LibraryExamples
{
    public static string Pretrain(string manifest, string outFolder)
    {
        // docs: pretrain
        var cxr = new CxrVLContext(new RuntimeOptions(Seed: 0));
        cxr.Metrics += (_, line) =>
        {
            if (line.Number("loss") is { } loss)
                Console.WriteLine($"step {line.Values["step"]}: loss {loss:0.000}");
        };
        // The recipe states its method (clip); pretrain/small makes it a CPU run, the overrides a short one.
        var config = cxr.PretrainRecipe(["pretrain/clip", "pretrain/small"],
            ["data.report_sections=[full_text]", "train.max_steps=3", "train.batch_size=8"]);
        PretrainRun run = cxr.Pretrain(config, manifest, outFolder);
        Console.WriteLine($"{run.Result.Summary}; run folder {run.RunPath}");
        // docs: end
        return run.RunPath;
    }

    public static double Embed(string runPath, string imagePath)
    {
        // docs: embed
        var cxr = new CxrVLContext();
        using var model = cxr.Load(runPath);
        float[] image = cxr.EmbedImage(model, imagePath);
        float[] report = cxr.EmbedText(model, "Small left pleural effusion. No pneumothorax.");
        // Both are unit vectors: their dot product is the cosine similarity the model was trained on.
        var similarity = image.Zip(report, (a, b) => (double)a * b).Sum();
        // docs: end
        return similarity;
    }

    public static (ZeroShotResult ZeroShot, RetrievalResult Retrieval) Evaluate(string runPath, string manifest)
    {
        // docs: zero-shot
        var cxr = new CxrVLContext();
        using var model = cxr.Load(runPath);
        var task = CxrVLContext.ZeroShotRecipe("zeroshot/covid-finding", ["bootstrap=0"]);
        ZeroShotResult zeroShot = cxr.ZeroShot(model, manifest, task);
        Console.WriteLine($"zero-shot accuracy {zeroShot.Metrics.Accuracy} on {zeroShot.Rows.Count} test images");
        RetrievalResult retrieval = cxr.Retrieve(model, manifest);
        Console.WriteLine($"image-to-report Recall@5 {retrieval.ImageToTextRecall[5]:0.000} over {retrieval.Pairs} pairs");
        // docs: end
        return (zeroShot, retrieval);
    }

    public static FinetuneRun Finetune(string runPath, string manifest, string outFolder)
    {
        // docs: finetune
        var cxr = new CxrVLContext(new RuntimeOptions(Seed: 0));
        // A linear probe of the pretrained image encoder for COVID-19 at CPU size (finetune/small), two steps only.
        var config = CxrVLContext.FinetuneRecipe(FinetuneTask.Classify, ["finetune/small"],
            ["mode=linear", "data.labels=[COVID-19]", "train.max_steps=2", "eval.bootstrap=0"]);
        config.Encoder.Source = runPath;
        FinetuneRun run = cxr.Finetune(config, manifest, outFolder);
        foreach (var (metric, value) in run.Result.Summary)
            Console.WriteLine($"{metric}: {value.Mean:0.000} over {run.Result.Seeds.Count} seed(s)");
        // docs: end
        return run;
    }

    public static string Generate(string manifest, string imagePath, string outFolder)
    {
        // docs: generate
        var cxr = new CxrVLContext(new RuntimeOptions(Seed: 0));
        // XProNet at CPU size on the COVID notes' imaging sentences; two steps only, so expect a generic report.
        var config = CxrVLContext.ReportRecipe("xpronet", ["rrg/small", "rrg/covid-notes"],
            ["train.max_steps=2", "model.prototype_init=random"]);
        ReportTrainingRun run = cxr.TrainReportGenerator(config, manifest, outFolder);
        string report = cxr.Generate(run.RunPath, [imagePath]);
        Console.WriteLine(report);
        // docs: end
        return report;
    }

    public static IEnumerable<string> Register()
    {
        // docs: register
        // A method of your own: a model section type, a model, and its descriptor (see Methods/Toy in the tests).
        var methods = PretrainingMethods.BuiltIn.With(ToyAlignmentMethod.Descriptor);
        var cxr = new CxrVLContext(new RuntimeOptions(), methods);
        // Recipes that state 'method: toy' now load, train and load back through cxr.
        // docs: end
        return cxr.Methods.Names;
    }
}
