using CxrVL.Files;
using static CxrVL.Tests.Cli.CliRunner;

namespace CxrVL.Tests.Cli;

public sealed class TextCommandTests
{
    [Fact]
    public void Tokenize_lists_tokens_with_word_and_sentence_indices()
    {
        var bio = Path.Combine(DataRoots.Require(), "bio-clinicalbert");
        var (code, output, error) = Run("text", "tokenize", "--tokenizer", bio, "--text", "No effusion. Heart normal.", "--sentences", "--max-length", "12");
        Assert.True(code == 0, error + output);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + 12 + 1, rows.Length);
        Assert.Matches(@"^\s*0\s+101\s+\[CLS\]\s+-1\s+-1\s+1", rows[1]);
        Assert.Matches(@"^\s*11\s+0\s+\[PAD\]\s+-1\s+-1\s+0", rows[12]);
        Assert.Contains(rows, r => r.Contains("Heart") && System.Text.RegularExpressions.Regex.IsMatch(r, @"\s1\s+1\s+\d+-\d+$"));
    }

    [Fact]
    public void Tokenize_with_a_missing_tokenizer_is_a_clear_error()
    {
        var (code, _, error) = Run("text", "tokenize", "--tokenizer", "/nonexistent/vocab.txt", "--text", "x");
        Assert.Equal(2, code);
        Assert.StartsWith("error: tokenizer '/nonexistent/vocab.txt' does not exist", error);
    }
}
