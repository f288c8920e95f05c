using System.CommandLine;
using CxrVL.Cli.Infrastructure;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl rrg</c>: radiology report generation (XProNet, R2Gen): training, prototypes, evaluation.</summary>
internal sealed class RrgCommand : ICliCommand
{
    public Command Create() => new("rrg", "Radiology report generation (xpronet, r2gen): train, init-prototypes, test, nearest");
}
