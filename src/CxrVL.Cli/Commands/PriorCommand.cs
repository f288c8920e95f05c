using System.CommandLine;
using CxrVL.Cli.Infrastructure;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl prior</c>: the group of PRIOR-specific commands.</summary>
internal sealed class PriorCommand : ICliCommand
{
    public Command Create() => new("prior", "PRIOR-specific tools: what its sentence prototypes say about an image.");
}
