using System.CommandLine;

namespace CxrVL.Cli.Infrastructure;

/// <summary>
/// One command of the <c>cxrvl</c> tool. Implementations are discovered by reflection, so a new command is one new
/// file: a top-level command leaves <see cref="Parent"/> null; a subcommand names its group (<c>"data"</c>,
/// <c>"weights"</c>, ...), which is itself an <see cref="ICliCommand"/>.
/// </summary>
internal interface ICliCommand
{
    string? Parent => null;

    Command Create();
}
