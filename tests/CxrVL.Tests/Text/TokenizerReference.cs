using System.Diagnostics;
using System.Text.Json;

namespace CxrVL.Tests.Text;

/// <summary>
/// Runs Hugging Face <c>tokenizers</c> (npm, tests/reference/tokenizers, installed by scripts/setup --tests) on a
/// request and returns its encodings. Offsets come back in code points, as the Rust library counts.
/// </summary>
internal static class TokenizerReference
{
    public sealed record Tokenizer(string Name, string? Vocab = null, bool Lowercase = false, string? Json = null);

    public sealed record Run(string Tokenizer, IReadOnlyList<string> Texts, int? MaxLength, int? PadTo);

    public sealed record Result(int[][] Ids, int[][] TypeIds, int[][] AttentionMask, int[][] WordIds, int[][][] Offsets);

    public static IReadOnlyList<Result> Encode(IReadOnlyList<Tokenizer> tokenizers, IReadOnlyList<Run> runs)
    {
        var folder = Path.Combine(RepositoryRoot(), "tests", "reference", "tokenizers");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "tokenizers")))
            throw new InvalidOperationException($"the reference tokenizer is not installed in {folder}: run scripts/setup --tests.");
        var work = Directory.CreateTempSubdirectory("cxrvl-tokenizer-reference-");
        try
        {
            var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
            var request = Path.Combine(work.FullName, "request.json");
            var response = Path.Combine(work.FullName, "response.json");
            File.WriteAllText(request, JsonSerializer.Serialize(new { tokenizers, runs }, options));
            var start = new ProcessStartInfo("node", [Path.Combine(folder, "encode.js"), request, response])
            {
                WorkingDirectory = folder,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
            {
                process.Kill();
                throw new TimeoutException("the reference tokenizer did not finish in 3 minutes.");
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"the reference tokenizer failed: {error.Result}");
            using var stream = File.OpenRead(response);
            return JsonSerializer.Deserialize<Response>(stream, options)!.Runs;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CxrVL.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("the repository root (with CxrVL.sln) was not found above the test binaries.");
    }

    private sealed record Response(IReadOnlyList<Result> Runs);
}
