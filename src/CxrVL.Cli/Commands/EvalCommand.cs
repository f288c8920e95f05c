using System.CommandLine;
using CxrVL.Cli.Infrastructure;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl eval</c>: the group of metric commands over files of predictions.</summary>
internal sealed class EvalCommand : ICliCommand
{
    public Command Create() => new("eval", "Compute evaluation metrics from files of predictions");
}
