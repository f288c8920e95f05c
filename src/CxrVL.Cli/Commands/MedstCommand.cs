using System.CommandLine;
using CxrVL.Cli.Infrastructure;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl medst</c>: MedST's temporal evaluations (MS-CXR-T).</summary>
internal sealed class MedstCommand : ICliCommand
{
    public Command Create() => new("medst", "MedST's temporal evaluations on MS-CXR-T: temporal image classification and sentence similarity");
}
