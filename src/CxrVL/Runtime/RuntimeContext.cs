using CxrVL.Runtime.Distributed;
using TorchSharp;

namespace CxrVL.Runtime;

/// <summary>What a run needs from the runtime: the chosen device and a seeded .NET random source.</summary>
public sealed record RuntimeContext(torch.Device Device, int Seed, int Threads, Random Random)
{
    /// <summary>The ranks of an mpirun job this process belongs to; a single process by default.</summary>
    public IDistributedContext Distributed { get; init; } = SingleProcess.Instance;
}
