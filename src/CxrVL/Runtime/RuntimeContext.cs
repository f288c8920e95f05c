using TorchSharp;

namespace CxrVL.Runtime;

/// <summary>What a run needs from the runtime: the chosen device and a seeded .NET random source.</summary>
public sealed record RuntimeContext(torch.Device Device, int Seed, int Threads, Random Random);
