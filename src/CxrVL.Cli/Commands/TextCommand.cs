using System.CommandLine;
using CxrVL.Cli.Infrastructure;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl text</c>: the group of report-text commands.</summary>
internal sealed class TextCommand : ICliCommand
{
    public Command Create() => new("text", "Report text: cleaning recipes, sentence splitting and tokenizers.");
}
