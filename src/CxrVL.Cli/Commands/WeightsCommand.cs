using System.CommandLine;
using CxrVL.Cli.Infrastructure;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl weights</c>: the group of checkpoint commands.</summary>
internal sealed class WeightsCommand : ICliCommand
{
    public Command Create() =>
        new("weights", "Inspect and convert checkpoints (PyTorch .pt/.pth/.bin/.ckpt, safetensors) and run models on them.");
}
