// Tokenizing every IU report sentence: CxrVL's WordPiece against Hugging Face tokenizers (Rust, through npm), on the
// same sentences and tokenizers: CxrVL one sentence at a time, and in batches of 64 padded to 64 tokens (one thread);
// Hugging Face's encodeBatch over all sentences (Rust, all cores). Median of 5 timed rounds after a warm-up round.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using CxrVL.Runtime;
using CxrVL.Text;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var root = DataRoots.Require();
var splitter = new SentenceSplitter();
var sentences = Directory.GetFiles(Path.Combine(root, "iu-xray", "ecgen-radiology"), "*.xml").Order(StringComparer.Ordinal)
    .SelectMany(path => XDocument.Load(path).Descendants("AbstractText")
        .Where(e => (string?)e.Attribute("Label") is "FINDINGS" or "IMPRESSION")
        .SelectMany(e => splitter.Split(e.Value)))
    .ToList();
var tokenizers = new (string Name, string Path, string Spec)[]
{
    ("Bio_ClinicalBERT vocab.txt", Path.Combine(root, "bio-clinicalbert"), $$"""{"vocab": {{JsonSerializer.Serialize(Path.Combine(root, "bio-clinicalbert", "vocab.txt"))}}, "lowercase": false}"""),
    ("MRM mimic_wordpiece.json", Path.Combine(root, "mrm-wordpiece", "mimic_wordpiece.json"), $$"""{"json": {{JsonSerializer.Serialize(Path.Combine(root, "mrm-wordpiece", "mimic_wordpiece.json"))}}}"""),
};
Console.WriteLine($"{sentences.Count} IU sentences, {Environment.ProcessorCount} cores");

var work = Directory.CreateTempSubdirectory("cxrvl-bench-");
var textsPath = Path.Combine(work.FullName, "sentences.json");
File.WriteAllText(textsPath, JsonSerializer.Serialize(sentences));
var repository = new DirectoryInfo(AppContext.BaseDirectory);
while (!File.Exists(Path.Combine(repository.FullName, "CxrVL.sln")))
    repository = repository.Parent ?? throw new InvalidOperationException("run the benchmark from a CxrVL checkout.");
var script = Path.Combine(repository.FullName, "bench", "tokenizers", "bench.js");
Console.WriteLine($"{"tokenizer",-28} {"CxrVL encode",13} {"CxrVL batch",12} {"HF encodeBatch",15} {"HF/CxrVL",9}");
foreach (var (name, path, spec) in tokenizers)
{
    var tokenizer = Tokenizers.Load(path);
    ITextTokenizer asInterface = tokenizer;
    var single = Median(() => { foreach (var s in sentences) tokenizer.Encode(s); });
    var batch = Median(() =>
    {
        foreach (var chunk in sentences.Chunk(64))
            asInterface.EncodeBatch(chunk, 64);
    });
    var reference = RunReference(script, spec, textsPath);
    Console.WriteLine($"{name,-28} {single,10:0} ms {batch,9:0} ms {reference,12:0} ms {reference / single,8:0.00}x");
}
work.Delete(recursive: true);

static double Median(Action action)
{
    action();
    var times = new List<double>();
    for (var i = 0; i < 5; i++)
    {
        var stopwatch = Stopwatch.StartNew();
        action();
        times.Add(stopwatch.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    return times[2];
}

static double RunReference(string script, string spec, string textsPath)
{
    var start = new ProcessStartInfo("node", [script, spec, textsPath]) { RedirectStandardOutput = true };
    using var process = Process.Start(start)!;
    var output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
        throw new InvalidOperationException("bench.js failed; run scripts/setup --tests to install the reference.");
    return double.Parse(output.Trim(), CultureInfo.InvariantCulture);
}
