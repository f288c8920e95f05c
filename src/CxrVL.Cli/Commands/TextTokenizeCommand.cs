using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Text;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl text tokenize</c>: one text through a WordPiece tokenizer, one line per token.</summary>
internal sealed class TextTokenizeCommand : ICliCommand
{
    private static readonly Option<string> TokenizerPath = new("--tokenizer")
    {
        Description = "A Hugging Face BERT folder, a vocab.txt or a tokenizer.json.",
        Required = true,
    };

    private static readonly Option<string> Text = new("--text") { Description = "The text to tokenize.", Required = true };

    private static readonly Option<int?> MaxLength = new("--max-length") { Description = "Truncate and pad to this many tokens." };

    private static readonly Option<bool> Sentences = new("--sentences")
    {
        Description = "Split the text into sentences first and show each token's sentence.",
    };

    public string? Parent => "text";

    public Command Create()
    {
        var command = new Command("tokenize", "Show the tokens, ids, word and sentence indices and offsets of a text.");
        command.Options.Add(TokenizerPath);
        command.Options.Add(Text);
        command.Options.Add(MaxLength);
        command.Options.Add(Sentences);
        return command.WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        var tokenizer = Tokenizers.Load(context.Get(TokenizerPath)!);
        var text = context.Get(Text)!;
        var options = context.Get(MaxLength) is { } length ? EncodeOptions.Fixed(length) : null;
        var encoded = context.Get(Sentences)
            ? tokenizer.EncodeSentences(new SentenceSplitter().Split(text), options)
            : tokenizer.Encode(text, options);
        var o = context.Output;
        o.WriteLine($"{"#",4} {"id",6} {"token",-20} {"word",5} {"sent",5} {"mask",4}  offsets");
        for (var i = 0; i < encoded.Length; i++)
            o.WriteLine($"{i,4} {encoded.Ids[i],6} {encoded.Tokens[i],-20} {encoded.WordIds[i],5} {encoded.SentenceIds[i],5} {encoded.AttentionMask[i],4}  {encoded.Offsets[i].Start}-{encoded.Offsets[i].End}");
        o.WriteLine($"{encoded.ContentTokens} text tokens, {encoded.Length} in all; vocabulary {tokenizer.VocabularySize}");
        return 0;
    }
}
