using System.CommandLine;
using CxrVL.Runtime;

namespace CxrVL.Cli.Infrastructure;

/// <summary>What a command's action gets: its parse result, where to write, and the runtime (configured on first use).</summary>
internal sealed class CommandContext(ParseResult parseResult, TextWriter output, TextWriter error)
{
    private RuntimeContext? _runtime;
    private CxrVLContext? _library;

    public ParseResult ParseResult { get; } = parseResult;

    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>Seeds, threads and device from the global options; torch is started only by commands that need it.</summary>
    public RuntimeContext Runtime => _runtime ??= TorchRuntime.Configure(GlobalOptions.Read(ParseResult));

    /// <summary>The library entry point the commands call, printing its logs and progress to <see cref="Output"/>.</summary>
    public CxrVLContext Library => _library ??= new CxrVLContext(Runtime) { Console = Output };

    public T? Get<T>(Option<T> option) => ParseResult.GetValue(option);

    public T? Get<T>(Argument<T> argument) => ParseResult.GetValue(argument);
}
