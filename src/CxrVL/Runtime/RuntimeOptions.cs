namespace CxrVL.Runtime;

/// <summary>Process-wide settings every command takes: seed, intra-op threads, device.</summary>
public sealed record RuntimeOptions(int Seed = 0, int? Threads = null, string Device = "cpu");
