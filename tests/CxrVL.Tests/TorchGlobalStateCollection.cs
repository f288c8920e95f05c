namespace CxrVL.Tests;

/// <summary>Tests that seed or read torch's process-wide random generator run alone, so parallel tests cannot interleave.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGlobalStateCollection
{
    public const string Name = "torch global state";
}
