using System.Text.RegularExpressions;
using CxrVL.Data.Manifest;
using CxrVL.Tasks.ReportGeneration;

namespace CxrVL.Tests.Docs;

/// <summary>
/// docs/library.md shows the examples of <see cref="LibraryExamples"/> as compiled (no other C# on the page), and they
/// run on the shared data: pretrain 3 steps, embed an image file and a report, zero-shot and retrieve, fine-tune and train a
/// report generator 2 steps each and generate, register a method.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class LibraryDocsTests(CovidManifest data) : IClassFixture<CovidManifest>
{
    private static string Repository => Text.TokenizerReference.RepositoryRoot();

    [Fact]
    public void ThePageShowsEveryCompiledExampleAndNoOther()
    {
        var source = File.ReadAllText(Path.Combine(Repository, "tests", "CxrVL.Tests", "Docs", "LibraryExamples.cs"));
        var compiled = Regex.Matches(source, @"// docs: (?<name>[\w-]+)\n(?<code>.*?)\n\s*// docs: end", RegexOptions.Singleline)
            .Select(m => Dedent(m.Groups["code"].Value)).ToList();
        var page = File.ReadAllText(Path.Combine(Repository, "docs", "library.md"));
        var shown = Regex.Matches(page, @"```csharp\n(?<code>.*?)\n```", RegexOptions.Singleline).Select(m => m.Groups["code"].Value).ToList();
        Assert.Equal(6, compiled.Count);
        Assert.Equal(compiled, shown);
    }

    [Fact]
    public void TheExamplesRun()
    {
        var run = LibraryExamples.Pretrain(data.Manifest, Path.Combine(data.Directory, "docs-run"));
        Assert.True(File.Exists(Path.Combine(run, "config.yaml")));

        var manifest = ManifestData.Open(data.Manifest);
        var image = Path.Combine(manifest.Root, manifest.Rows.First(r => r.Split == "test" && r.Images.Count > 0).Images[0].Path);
        Assert.InRange(LibraryExamples.Embed(run, image), -1 - 1e-5, 1 + 1e-5);

        var (zeroShot, retrieval) = LibraryExamples.Evaluate(run, data.Manifest);
        Assert.Equal(["COVID-19", "other pneumonia", "no finding"], zeroShot.Classes);
        Assert.InRange(retrieval.ImageToTextRecall[5], retrieval.ImageToTextRecall[1], retrieval.ImageToTextRecall[10]);

        var finetune = LibraryExamples.Finetune(run, data.Manifest, Path.Combine(data.Directory, "docs-finetune"));
        // One seed tested on the test split, its metrics where cxrvl finetune writes them.
        Assert.Equal([0], finetune.Result.Seeds);
        Assert.InRange(finetune.Result.Summary["auroc_macro"].Mean, 0, 1);
        Assert.True(File.Exists(Path.Combine(finetune.RunPath, "seed-0", "metrics.json")));

        var report = LibraryExamples.Generate(data.Manifest, image, Path.Combine(data.Directory, "docs-generate"));
        Assert.False(string.IsNullOrWhiteSpace(report));
        Assert.True(File.Exists(Path.Combine(data.Directory, "docs-generate", ReportTraining.VocabularyFile)));

        Assert.Contains("toy", LibraryExamples.Register());
    }

    private static string Dedent(string code)
    {
        var lines = code.Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())).TrimEnd();
    }
}
