using System.CommandLine;
using CxrVL.Cli.Infrastructure;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl export</c>: the group of commands that write a trained model in another format.</summary>
internal sealed class ExportCommand : ICliCommand
{
    public Command Create() => new("export", "Write a trained model for other runtimes (ONNX).");
}
