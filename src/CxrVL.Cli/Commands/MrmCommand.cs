using System.CommandLine;
using CxrVL.Cli.Infrastructure;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl mrm</c>: the group of commands that inspect an MRM model.</summary>
internal sealed class MrmCommand : ICliCommand
{
    public Command Create() => new("mrm", "Inspect a model trained with masked record modelling (cxrvl pretrain --method mrm).");
}
