using System.CommandLine;
using CxrVL.Cli.Infrastructure;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl data</c>: the group of dataset commands (build, stats, get).</summary>
internal sealed class DataCommand : ICliCommand
{
    public Command Create() => new("data", "Build dataset manifests from the publishers' files, count them, download public sets.");
}
